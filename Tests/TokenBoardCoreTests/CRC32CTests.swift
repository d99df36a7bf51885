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

    /// The checksum of a concatenation from the parts' checksums and the second's length, against the checksum
    /// of the joined bytes, for lengths from 0 up to past a megabyte.
    func testCombineEqualsTheChecksumOfTheConcatenation() {
        var rng = SplitMix64(seed: 0xC0_4B1E)
        let lengths = [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 255, 256, 1000, 4096, 65_537, 1_048_583]
        for length in lengths {
            let a = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let b = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(
                CRC32C.combine(CRC32C.checksum(a), CRC32C.checksum(b), secondLength: b.count),
                Reference.crc32c(a + b),
                "lengths \(a.count) and \(b.count)"
            )
        }
    }

    /// Replacing a block's first bytes: the new checksum from the stored one, the two heads and the length of the
    /// rest (how a sharded log's block becomes a frame), against a pass over the new bytes.
    func testReplacingAHeadFromTheStoredChecksum() {
        var rng = SplitMix64(seed: 0xF4A3E)
        for _ in 0..<50 {
            let head = (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let newHead = (0..<Int.random(in: 20...30, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let rest = (0..<Int.random(in: 0...5_000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let stored = CRC32C.checksum(head + rest)
            let derived =
                stored ^ CRC32C.shift(CRC32C.checksum(newHead) ^ CRC32C.checksum(head), by: rest.count)
            XCTAssertEqual(derived, Reference.crc32c(newHead + rest))
        }
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
