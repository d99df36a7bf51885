/// One HTTP/2 header field. Names are lower case on the wire; the session never changes them.
public struct HeaderField: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// The bytes HPACK counts for this field (RFC 9113 §6.5.2: name, value and 32 bytes of overhead).
    public var listSize: Int { name.utf8.count + value.utf8.count + 32 }

    public var description: String { "\(name): \(value)" }
}
