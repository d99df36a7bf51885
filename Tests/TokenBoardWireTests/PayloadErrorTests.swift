import NIOCore
import NIOEmbedded
import TokenBoardCore
import TokenBoardWire
import XCTest

/// Payloads that frame correctly but do not decode: each yields the exact `malformedPayload` reason.
final class PayloadErrorTests: XCTestCase {
    private func assertMalformed<M: WireMessage>(
        _ type: M.Type,
        _ payload: [UInt8],
        _ reason: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let frame = Frame(typeCode: M.messageType.rawValue, requestID: 1, payload: ByteBuffer(bytes: payload))
        do {
            let message = try frame.decode(M.self)
            XCTFail("decoded \(message)", file: file, line: line)
        } catch {
            XCTAssertEqual(error as? WireError, .malformedPayload(reason), file: file, line: line)
        }
    }

    private let k: [UInt8] = [10, 0, 0, 0]
    private let days30: [UInt8] = [30, 0, 0, 0]

    func testTruncatedInteger() {
        assertMalformed(TopQuery.self, k + [30, 0, 0], "truncated integer: needs 4 bytes, 3 remain")
        assertMalformed(HeartbeatAck.self, [], "truncated integer: needs 8 bytes, 0 remain")
    }

    func testTruncatedIngestHeader() {
        assertMalformed(
            IngestRequest.self,
            [UInt8](repeating: 0, count: 10),
            "truncated ingest header: needs 24 bytes, 10 remain"
        )
    }

    func testTruncatedTokenCounts() {
        let payload = [0, 0, 0, 0] + le(UInt64(0)) + le(UInt64(0)) + le(UInt64(0)) + [1, 2, 3]
        assertMalformed(TopReply.self, payload, "truncated token counts: needs 32 bytes, 27 remain")
    }

    func testEveryPrefixOfEveryMessageIsMalformed() {
        for sample in Fixtures.samples {
            let frame = sample.frame(1)
            let bytes = Array(frame.payload.readableBytesView)
            for length in 0..<bytes.count {
                let prefix = Frame(typeCode: frame.typeCode, requestID: 1, payload: ByteBuffer(bytes: bytes[..<length]))
                do {
                    _ = try sample.matches(prefix)
                    XCTFail("\(sample.name): prefix of \(length) bytes decoded")
                } catch WireError.malformedPayload {
                } catch {
                    XCTFail("\(sample.name): prefix of \(length) bytes threw \(error)")
                }
            }
        }
    }

    func testTrailingBytes() {
        assertMalformed(HeartbeatAck.self, le(UInt64(7)) + [0], "1 bytes left over after a heartbeatAck message")
        assertMalformed(StatsQuery.self, [0, 0], "2 bytes left over after a statsQuery message")
    }

    func testHugeArrayCounts() {
        assertMalformed(
            TopReply.self,
            [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 10),
            "array of 4294967295 elements needs at least 4294967295 × 52 bytes, 10 remain"
        )
        let tables: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        assertMalformed(
            IngestRequest.self,
            [UInt8](repeating: 0, count: 24) + tables + le(UInt32(1000)) + [UInt8](repeating: 0, count: 59),
            "array of 1000 elements needs at least 1000 × 60 bytes, 59 remain"
        )
        assertMalformed(
            IngestRequest.self,
            [UInt8](repeating: 0, count: 24) + le(UInt32.max),
            "array of 4294967295 elements needs at least 4294967295 × 4 bytes, 0 remain"
        )
        assertMalformed(
            StatusReply.self,
            [0, 0, 0, 0] + le(UInt64(1)) + le(UInt32(1)) + le(UInt32(2)) + [UInt8](repeating: 0, count: 23),
            "array of 2 elements needs at least 2 × 12 bytes, 23 remain"
        )
    }

    func testBadOptionalFlag() {
        assertMalformed(TopQuery.self, k + days30 + [2], "optional presence flag 2 is neither 0 nor 1")
        assertMalformed(EmployeeReply.self, [0xFF], "optional presence flag 255 is neither 0 nor 1")
    }

    func testBadBoolean() {
        assertMalformed(TopQuery.self, k + days30 + [0, 0, 2], "boolean byte 2 is neither 0 nor 1")
    }

    func testUnknownEnumValues() {
        assertMalformed(TopQuery.self, k + days30 + [0, 9, 0], "unknown ranking metric 9")
        assertMalformed(
            TopQuery.self,
            k + le(UInt32(3661)) + [0, 0, 0],
            "window of 3661 days is out of range (0 or 1...3660)"
        )
    }

    func testTierMessagesRefuseUnknownTiersAndTooManyThresholds() {
        // metric tokens, one level: tier 5, rule "", floor absent, employees 0; active 0.
        let level: [UInt8] = [5] + le(UInt32(0)) + [0] + le(UInt64(0))
        assertMalformed(TiersReply.self, [0] + le(UInt32(1)) + level + le(UInt64(0)), "unknown tier 5")
        let thresholds = le(UInt32(4097)) + [UInt8](repeating: 0, count: 4097 * 8)
        assertMalformed(
            ScoreCountQuery.self,
            days30 + le(Int32(0)) + [0] + thresholds,
            "4097 thresholds; at most 4096"
        )
    }

    func testInvalidUTF8() {
        let invalid: [[UInt8]] = [
            [0xFF],
            [0x61, 0xC0, 0x80],  // overlong NUL
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate
            [0xF0, 0x90, 0x80],  // cut-off 4-byte sequence: repairs to U+FFFD of the same length
            [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0xE2, 0x82],
            [0x80],
        ]
        for bytes in invalid {
            let payload = le(UInt32(bytes.count)) + bytes + days30 + [0, 0, 0]
            assertMalformed(EmployeeQuery.self, payload, "string is not valid UTF-8")
        }
    }

    func testEncodedReplacementCharacterIsValid() throws {
        let query = EmployeeQuery(employee: "a\u{FFFD}b", window: .allTime, anchor: nil, metric: .tokens)
        XCTAssertEqual(try Frame(query, requestID: 1).decode(EmployeeQuery.self), query)
    }

    func testStringLengthLimit() throws {
        assertMalformed(
            EmployeeQuery.self,
            le(UInt32(70_000)) + [UInt8](repeating: 0x61, count: 10),
            "string of 70000 bytes exceeds the limit of 65536 bytes"
        )
        assertMalformed(
            EmployeeQuery.self,
            le(UInt32(10)) + [0x61, 0x62],
            "truncated string: needs 10 bytes, 2 remain"
        )
        let longest = String(repeating: "k", count: 65_536)
        let query = EmployeeQuery(employee: longest, window: .days(7), anchor: nil, metric: .cost)
        XCTAssertEqual(try Frame(query, requestID: 1).decode(EmployeeQuery.self), query)
        let tooLong = EmployeeQuery(employee: longest + "k", window: .days(7), anchor: nil, metric: .cost)
        assertThrows(WireError.malformedPayload("string of 65537 bytes exceeds the limit of 65536 bytes")) {
            try Frame(tooLong, requestID: 1).decode(EmployeeQuery.self)
        }
    }

    func testShardMapThatCannotRoute() {
        let workers: [UInt8] = [1, 0, 0, 0, 1, 0, 0, 0, 0x61]
        assertMalformed(
            RegisterAck.self,
            le(UInt64(1)) + workers + le(UInt32(2)) + [0, 0, 1, 0],
            "shard map names owner 1 of only 1 workers"
        )
        assertMalformed(
            RegisterAck.self,
            le(UInt64(1)) + workers + le(UInt32(0)),
            "shard map has 0 slots, needs 1...1048576"
        )
    }

    func testDuplicateEndpoint() {
        let map: [UInt8] = le(UInt64(1)) + [1, 0, 0, 0, 1, 0, 0, 0, 0x61] + [1, 0, 0, 0, 0, 0]
        let endpoint: [UInt8] = [1, 0, 0, 0, 0x61, 1, 0, 0, 0, 0x68, 1, 0]
        assertMalformed(
            ShardMapReply.self,
            map + le(UInt32(2)) + endpoint + endpoint + [0, 0, 0, 0],
            "endpoint of worker 'a' appears twice"
        )
    }

    /// A node that cannot decode a request answers with an error frame carrying the request's id, then closes.
    func testMalformedRequestIsAnsweredWithItsRequestID() throws {
        let server = StrictServer<TopQuery>()
        let (channel, recorder) = try makeServerChannel(before: server)
        let good = Frame(TopQuery(k: 5, window: .days(7), anchor: nil, metric: .tokens), requestID: 320)
        let bad = Frame(typeCode: 0x20, requestID: 321, payload: ByteBuffer(bytes: k + days30 + [2]))
        try channel.writeInbound(ByteBuffer(bytes: try encodedBytes(good) + encodedBytes(bad)))

        XCTAssertEqual(server.decoded, [TopQuery(k: 5, window: .days(7), anchor: nil, metric: .tokens)])
        let expected = WireError.malformedPayload("optional presence flag 2 is neither 0 nor 1")
        XCTAssertEqual(recorder.errors.first as? RequestFailure, RequestFailure(requestID: 321, error: expected))
        let out = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        let frames = try decodeFrames(Array(out.readableBytesView))
        XCTAssertEqual(frames.count, 1)
        XCTAssertEqual(frames.first?.requestID, 321)
        XCTAssertEqual(
            try frames.first?.decode(ErrorMessage.self),
            ErrorMessage(
                code: .malformedPayload,
                message: "malformed payload: optional presence flag 2 is neither 0 nor 1"
            )
        )
        XCTAssertFalse(channel.isActive)
        channel.embeddedEventLoop.run()
    }
}
