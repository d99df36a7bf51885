/// A board configuration (`cluster/badges.json`) that cannot be used, with what is wrong and where.
public struct BoardConfigError: Error, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
