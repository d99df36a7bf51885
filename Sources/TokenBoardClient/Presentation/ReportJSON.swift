import Foundation

/// The one JSON form of every report: what `--json` prints and what the HTTP API serves, byte for byte.
public enum ReportJSON {
    /// The report as pretty-printed JSON with sorted keys, followed by a newline.
    public static func encode(_ report: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
    }
}
