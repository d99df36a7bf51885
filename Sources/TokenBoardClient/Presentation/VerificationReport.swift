/// The outcome of `tokenboard verify` (and `replay --verify`) for people and scripts.
public struct VerificationReport: Codable, Sendable, Hashable {
    public var manifest: String
    /// True when every figure checked matched.
    public var ok: Bool
    public var boardPlaces: Int
    public var employeesChecked: Int
    public var sampled: Int
    public var models: Int
    /// All differences found.
    public var differenceCount: Int
    /// The first differences (as many as asked for).
    public var differences: [ManifestDifference]

    enum CodingKeys: String, CodingKey {
        case manifest, ok, sampled, models, differences
        case boardPlaces = "board_places"
        case employeesChecked = "employees_checked"
        case differenceCount = "difference_count"
    }

    /// The report of `verification` against the manifest at `manifest`, listing at most `shown` differences.
    public init(_ verification: ManifestVerification, manifest: String, shown: Int) {
        self.manifest = manifest
        ok = verification.passed
        boardPlaces = verification.boardPlaces
        employeesChecked = verification.employeesChecked
        sampled = verification.sampled
        models = verification.models
        differenceCount = verification.differences.count
        differences = Array(verification.differences.prefix(max(0, shown)))
    }

    /// The human summary.
    public func render() -> String {
        let checked =
            "the board (\(boardPlaces) places), \(employeesChecked) employees' totals and ranks (\(boardPlaces) on the board, \(sampled) sampled), spend by model (\(models) models) and the company totals"
        guard !ok else { return "verified against \(manifest): \(checked) all match\n" }
        var out =
            "MISMATCH against \(manifest): \(Formatting.grouped(UInt64(differenceCount))) differences in \(checked)"
        out += differences.count < differenceCount ? "; the first \(differences.count):\n" : ":\n"
        for difference in differences { out += "  \(difference)\n" }
        return out
    }
}
