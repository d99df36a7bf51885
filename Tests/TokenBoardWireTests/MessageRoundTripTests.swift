import NIOCore
import NIOEmbedded
import TokenBoardCore
import TokenBoardWire
import XCTest

final class MessageRoundTripTests: XCTestCase {
    func testSamplesCoverEveryMessageType() {
        XCTAssertEqual(Set(Fixtures.samples.map(\.messageType)), Set(MessageType.allCases))
        for type in MessageType.allCases {
            XCTAssertEqual(type.messageStruct.messageType, type)
        }
    }

    func testEveryMessageRoundTripsThroughFrame() throws {
        for (index, sample) in Fixtures.samples.enumerated() {
            let frame = sample.frame(UInt64(index))
            XCTAssertEqual(frame.typeCode, sample.messageType.rawValue, sample.name)
            XCTAssertEqual(frame.messageType, sample.messageType, sample.name)
            XCTAssertTrue(try sample.matches(frame), sample.name)

            let decoded = try decodeFrames(try encodedBytes(frame))
            XCTAssertEqual(decoded, [frame], sample.name)
            XCTAssertTrue(try sample.matches(decoded[0]), sample.name)
        }
    }

    func testEveryMessageRoundTripsThroughChannel() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec()
        for (index, sample) in Fixtures.samples.enumerated() {
            let requestID = UInt64(index) << 40 | 0xABCD
            try channel.writeOutbound(sample.frame(requestID))
            let bytes = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self), sample.name)
            try channel.writeInbound(bytes)
            let frame = try XCTUnwrap(try channel.readInbound(as: Frame.self), sample.name)
            XCTAssertEqual(frame.requestID, requestID, sample.name)
            XCTAssertEqual(frame.typeCode, sample.messageType.rawValue, sample.name)
            XCTAssertTrue(try sample.matches(frame), sample.name)
        }
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testTopQueryPayloadLayout() {
        let query = TopQuery(k: 250, window: .days(30), anchor: Fixtures.june30, metric: .cost, allowPartial: true)
        var buffer = ByteBuffer()
        query.encode(into: &buffer)
        XCTAssertEqual(
            Array(buffer.readableBytesView),
            [0xFA, 0, 0, 0, 30, 0, 0, 0, 1, 0x2D, 0x4F, 0, 0, 1, 1]
        )
    }

    func testIngestPayloadLayout() {
        let request = IngestRequest(
            producerID: 1,
            sequence: 2,
            mapVersion: 3,
            batch: EventBatch(
                employees: ["é"],
                models: ["m"],
                tools: [],
                sessions: ["s"],
                events: [
                    BatchedEvent(
                        employee: 0x0403_0201,
                        model: 0x0605,
                        tool: 0x0807,
                        session: 0x0C0B_0A09,
                        timestampMillis: -2,
                        eventKey: 0x1415_1617_1819_1A1B,
                        counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 4)
                    )
                ]
            )
        )
        var buffer = ByteBuffer()
        request.encode(into: &buffer)
        let expected: [UInt8] =
            le(UInt64(1)) + le(UInt64(2)) + le(UInt64(3))
            + [1, 0, 0, 0, 2, 0, 0, 0, 0xC3, 0xA9]  // employees: ["é"]
            + [1, 0, 0, 0, 1, 0, 0, 0, 0x6D]  // models: ["m"]
            + [0, 0, 0, 0]  // tools: []
            + [1, 0, 0, 0, 1, 0, 0, 0, 0x73]  // sessions: ["s"]
            + [1, 0, 0, 0]  // one event
            + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
            + [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0x1B, 0x1A, 0x19, 0x18, 0x17, 0x16, 0x15, 0x14]
            + le(UInt64(1)) + le(UInt64(2)) + le(UInt64(3)) + le(UInt64(4))
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
        XCTAssertEqual(expected.count, 24 + 10 + 9 + 4 + 9 + 4 + 60)
    }

    func testErrorMessagePayloadLayout() {
        var buffer = ByteBuffer()
        ErrorMessage(code: .batchRejected, message: "no", mapVersion: 0x0102).encode(into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), [11, 0, 2, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0x6E, 0x6F])
    }

    func testShardMapReplyEncodesEndpointsSortedByWorker() {
        let reply = ShardMapReply(
            map: ShardMap(version: 1, workers: ["a", "b"], owners: [1]),
            endpoints: ["b": Endpoint(host: "h", port: 2), "a": Endpoint(host: "h", port: 0x0102)],
            live: []
        )
        var buffer = ByteBuffer()
        reply.encode(into: &buffer)
        let expected: [UInt8] =
            le(UInt64(1)) + [2, 0, 0, 0, 1, 0, 0, 0, 0x61, 1, 0, 0, 0, 0x62] + [1, 0, 0, 0, 1, 0]
            + [2, 0, 0, 0]
            + [1, 0, 0, 0, 0x61, 1, 0, 0, 0, 0x68, 2, 1]
            + [1, 0, 0, 0, 0x62, 1, 0, 0, 0, 0x68, 2, 0]
            + [0, 0, 0, 0]
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
    }

    func testEndpointPortOutsideRangeIsClamped() throws {
        let request = RegisterRequest(
            workerID: "w",
            endpoint: Endpoint(host: "h", port: 70_000),
            stats: Fixtures.emptyStats
        )
        let decoded = try Frame(request, requestID: 1).decode(RegisterRequest.self)
        XCTAssertEqual(decoded.endpoint, Endpoint(host: "h", port: 65535))
    }

    func testOverlongErrorTextIsCutAtACharacterBoundary() throws {
        let text = String(repeating: "é", count: 40_000)  // 80,000 UTF-8 bytes
        let decoded = try Frame(ErrorMessage(code: .internalError, message: text), requestID: 3)
            .decode(ErrorMessage.self)
        XCTAssertEqual(decoded.message, String(repeating: "é", count: 32_768))
        XCTAssertEqual(decoded.code, .internalError)

        // "a" then 3-byte characters: byte 65,536 falls inside a character, so the cut moves back to its start.
        let unaligned = "a" + String(repeating: "€", count: 30_000)
        let cut = try Frame(ErrorMessage(code: .internalError, message: unaligned), requestID: 3)
            .decode(ErrorMessage.self)
        XCTAssertEqual(cut.message, "a" + String(repeating: "€", count: 21_845))
    }
}
