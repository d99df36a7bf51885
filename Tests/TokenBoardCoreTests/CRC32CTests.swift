import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class CRC32CTests: XCTestCase {
    func testStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(utf8: "123456789"), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(Reference.crc32c("123456789"), 0xE306_9283, "the reference itself must be right")
    }

    func testEmptyInputIsZero() {
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.checksum(utf8: ""), 0)
    }

    /// The iSCSI test vectors of RFC 3720, appendix B.4.
    func testRFC3720Vectors() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testContinuationEqualsWholeChecksum() {
        var rng = SplitMix64(seed: 0xC0FF_EE)
        for _ in 0..<200 {
            let length = Int.random(in: 0...64, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let cut = Int.random(in: 0...length, using: &rng)
            let a = Array(bytes[..<cut])
            let b = Array(bytes[cut...])
            let first = CRC32C.checksum(a)
            let continued = b.withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            XCTAssertEqual(continued, CRC32C.checksum(bytes), "split \(cut) of \(length)")
            XCTAssertEqual(continued, Reference.crc32c(bytes))
        }
    }

    func testContinuationOfKnownValue() {
        let first = CRC32C.checksum(utf8: "1234")
        let rest = Array("56789".utf8)
        XCTAssertEqual(rest.withUnsafeBytes { CRC32C.checksum($0, continuing: first) }, 0xE306_9283)
    }

    /// The 8-byte slicing path against the bit-at-a-time reference, at every alignment.
    func testSlicingMatchesBitwiseReference() {
        var rng = SplitMix64(seed: 42)
        for length in 0...100 {
            let padded = (0..<(length + 8)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for offset in 0..<8 {
                let slice = Array(padded[offset..<(offset + length)])
                let expected = Reference.crc32c(slice)
                let actual = padded.withUnsafeBytes { raw in
                    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]))
                }
                XCTAssertEqual(actual, expected, "length \(length) offset \(offset)")
            }
        }
    }

    func testUTF8StringMatchesBytes() {
        for key in ["alice", "carol@example.com", "zoë", "Ω-omega", "🙂", String(repeating: "x", count: 300)] {
            XCTAssertEqual(CRC32C.checksum(utf8: key), Reference.crc32c(key), key)
        }
    }

    /// The hardware path (where this CPU has one) and the table path agree on random input of every length up to
    /// a few blocks, at every alignment, and when continuing from a random earlier checksum.
    func testHardwareAndTablePathsAgree() throws {
        #if arch(x86_64)
            try XCTSkipUnless(CRC32C.hasHardwareSupport, "this CPU has no SSE 4.2 crc32 instruction")
            var rng = SplitMix64(seed: 0x5EED_C3C)
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 1000, 4096, 65_537] {
                let padded = (0..<(length + 8)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                for offset in 0..<8 {
                    let start = UInt32.random(in: 0...UInt32.max, using: &rng)
                    padded.withUnsafeBytes { raw in
                        let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                        XCTAssertEqual(
                            CRC32C.hardwareChecksum(slice, continuing: start),
                            CRC32C.tableChecksum(slice, continuing: start),
                            "length \(length) offset \(offset)"
                        )
                        XCTAssertEqual(CRC32C.hardwareChecksum(slice), CRC32C.tableChecksum(slice))
                    }
                }
            }
            XCTAssertEqual(
                Array("123456789".utf8).withUnsafeBytes { CRC32C.hardwareChecksum($0) },
                0xE306_9283
            )
        #else
            throw XCTSkip("the hardware path exists on x86-64 only")
        #endif
    }
}
