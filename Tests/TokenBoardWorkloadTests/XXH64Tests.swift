import XCTest

@testable import TokenBoardWorkload

final class XXH64Tests: XCTestCase {
    /// Reference values from the xxHash project's Python binding (`xxhash.xxh64(...).intdigest()`).
    func testReferenceValues() {
        XCTAssertEqual(XXH64.hash(""), 0xEF46_DB37_51D8_E999)
        XCTAssertEqual(XXH64.hash("abc"), 0x44BC_2CF5_AD77_0999)
        XCTAssertEqual(XXH64.hash("Nobody inspects the spammish repetition"), 0xFBCE_A83C_8A37_8BF1)
        let data = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }
        data.withUnsafeBytes { bytes in
            XCTAssertEqual(XXH64.hash(bytes), 0x5F23_5FA0_33F1_A3FB)
            XCTAssertEqual(XXH64.hash(bytes, seed: 0x746F_6B65_6E62_6F61), 0xDB3C_95D9_C4CE_089A)
        }
    }

    func testFeedingInPiecesGivesTheSameDigest() {
        let data = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }
        for pieces in [1, 3, 31, 32, 33, 100, 999] {
            var digest = XXH64()
            var at = 0
            while at < data.count {
                let end = min(data.count, at + pieces)
                data[at..<end].withUnsafeBytes { digest.update($0) }
                at = end
            }
            XCTAssertEqual(digest.finish(), 0x5F23_5FA0_33F1_A3FB, "pieces of \(pieces)")
        }
    }

    func testImportFingerprintDependsOnContentNotPath() throws {
        let folder = try TemporaryFolder()
        let text = try String(contentsOfFile: Fixtures.path("claude-code.jsonl"), encoding: .utf8)
        let copy = try folder.write("copy.jsonl", text)
        let changed = try folder.write(
            "changed.jsonl",
            text.replacingOccurrences(of: "\"output_tokens\":120", with: "\"output_tokens\":121")
        )
        let opener = LogOpener(options: .init(employee: "alice"))
        func id(_ path: String, batch: UInt64 = 8192) throws -> UInt64 {
            var fingerprint = ImportFingerprint()
            fingerprint.add(opener.options)
            fingerprint.add(batch)
            try fingerprint.add(opener.source(for: path))
            return fingerprint.producerID
        }
        XCTAssertEqual(try id(Fixtures.path("claude-code.jsonl")), try id(copy))
        XCTAssertNotEqual(try id(copy), try id(changed))
        XCTAssertNotEqual(try id(copy), try id(copy, batch: 100))
        var other = ImportFingerprint()
        other.add(LogOpener(options: .init(employee: "bob")).options)
        other.add(8192)
        try other.add(opener.source(for: copy))
        XCTAssertNotEqual(other.producerID, try id(copy))
    }
}
