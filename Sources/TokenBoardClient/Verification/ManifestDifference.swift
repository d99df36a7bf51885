/// One way the cluster's answer differs from a manifest: what (the board place, employee, model or company
/// total), which figure, and both values.
public struct ManifestDifference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `board rank 3`, `employee emp-00042`, `model claude-sonnet-4-5` or `company`.
    public var subject: String
    /// The figure that differs: `employee`, `tokens`, `cost_nanos`, `present`, …
    public var field: String
    /// The manifest's value.
    public var expected: String
    /// The cluster's value.
    public var actual: String

    public init(subject: String, field: String, expected: String, actual: String) {
        self.subject = subject
        self.field = field
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        "\(subject): \(field) is \(actual) in the cluster, \(expected) in the manifest"
    }
}
