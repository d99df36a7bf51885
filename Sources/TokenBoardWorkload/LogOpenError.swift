/// A log that cannot be read as asked: its format cannot be told or is not the one chosen, its binary header is
/// wrong, or nothing says whose usage it holds.
public struct LogOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The log's path, as given.
    public var path: String
    /// What is wrong, for people.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}
