import LZ4
import NIOCore
import NIOEmbedded
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

final class FrameCodecTests: XCTestCase {
    func testHeaderLayout() throws {
        let frame = Frame(HeartbeatAck(mapVersion: 0x0102_0304_0506_0708), requestID: 0x1122_3344_5566_7788)
        XCTAssertEqual(
            try encodedBytes(frame),
            [
                0x54, 0x42, 0x4B, 0x31,  // "TBK1"
                1,  // version
                0x33,  // heartbeatAck
                0, 0,  // flags
                0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // request id
                8, 0, 0, 0,  // payload length
                8, 0, 0, 0,  // uncompressed length
                0x1C, 0x02, 0xF9, 0x26,  // CRC-32C of the payload
                8, 7, 6, 5, 4, 3, 2, 1,
            ]
        )
    }

    func testEmptyPayloadFrame() throws {
        let bytes = try encodedBytes(Frame(StatsQuery(), requestID: 5))
        XCTAssertEqual(bytes, header(type: 0x28, requestID: 5, payloadLength: 0, uncompressedLength: 0, crc: 0))
        let frames = try decodeFrames(bytes)
        XCTAssertEqual(frames, [Frame(typeCode: 0x28, requestID: 5, payload: ByteBuffer())])
        XCTAssertEqual(try frames[0].decode(StatsQuery.self), StatsQuery())
    }

    func testLargeRepetitivePayloadIsCompressed() throws {
        let events = (0..<500).map { i in
            BatchedEvent(
                employee: 0,
                model: 0,
                tool: 0,
                session: 0,
                timestampMillis: 1_751_241_600_000,
                counts: TokenCounts(input: 100, output: 200)
            )
        }
        let request = IngestRequest(
            mapVersion: 1,
            batch: EventBatch(employees: ["a"], models: ["m"], tools: ["t"], sessions: ["s"], events: events)
        )
        let frame = Frame(request, requestID: 99)
        XCTAssertEqual(frame.payload.readableBytes, 24 + 4 * (4 + 4 + 1) + 4 + 500 * 60)

        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec()
        try channel.writeOutbound(frame)
        let wire = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        let flags = wire.getInteger(at: 6, endianness: .little, as: UInt16.self)
        let wireLength = try XCTUnwrap(wire.getInteger(at: 16, endianness: .little, as: UInt32.self))
        let uncompressedLength = wire.getInteger(at: 20, endianness: .little, as: UInt32.self)
        XCTAssertEqual(flags, 1)
        XCTAssertEqual(uncompressedLength, UInt32(frame.payload.readableBytes))
        XCTAssertLessThan(Int(wireLength), frame.payload.readableBytes / 10)
        XCTAssertEqual(wire.readableBytes, 28 + Int(wireLength))

        try channel.writeInbound(wire)
        let decoded = try XCTUnwrap(try channel.readInbound(as: Frame.self))
        XCTAssertEqual(decoded, frame)
        XCTAssertEqual(try decoded.decode(IngestRequest.self), request)
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testPayloadBelowThresholdIsNotCompressed() throws {
        let ack = IngestAck(applied: 0, mapVersion: 0)  // 13 zero bytes: compressible, but below the threshold
        let bytes = try encodedBytes(Frame(ack, requestID: 1))
        XCTAssertEqual(bytes.count, 28 + 13)
        XCTAssertEqual(Array(bytes[6..<8]), [0, 0])
        XCTAssertEqual(try decodeFrames(bytes)[0].decode(IngestAck.self), ack)
    }

    func testIncompressiblePayloadIsSentRaw() throws {
        var random = SplitMix64(seed: 1)
        let payload = ByteBuffer(bytes: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })
        let frame = Frame(typeCode: 0x7E, requestID: 2, payload: payload)
        let bytes = try encodedBytes(frame)
        XCTAssertEqual(bytes.count, 28 + 4096)
        XCTAssertEqual(Array(bytes[6..<8]), [0, 0])
        XCTAssertEqual(try decodeFrames(bytes), [frame])
    }

    func testCompressionThresholdIsConfigurable() throws {
        let payload = ByteBuffer(repeating: 0x41, count: 64)
        let frame = Frame(typeCode: 0x7E, requestID: 3, payload: payload)
        let limits = FrameLimits(compressionThreshold: 64)
        let bytes = try encodedBytes(frame, limits: limits)
        XCTAssertEqual(Array(bytes[6..<8]), [1, 0])
        XCTAssertLessThan(bytes.count, 28 + 64)
        XCTAssertEqual(try decodeFrames(bytes, limits: limits), [frame])
        XCTAssertEqual(Array(try encodedBytes(frame)[6..<8]), [0, 0])
    }

    /// Every acceleration gives a frame that decodes to the same payload (the receiver does not know the setting);
    /// a higher one saves fewer bytes, and a very high one may give up and send the payload raw.
    func testEveryCompressionAccelerationDecodesAlike() throws {
        var random = SplitMix64(seed: 5)
        // Like the counts of ingest records: random low bytes, zero high bytes.
        let bytes = (0..<4096).flatMap { _ in
            withUnsafeBytes(of: UInt64.random(in: 0..<(1 << 24), using: &random).littleEndian) { Array($0) }
        }
        let frame = Frame(typeCode: 0x7E, requestID: 9, payload: ByteBuffer(bytes: bytes))
        var sizes: [Int: Int] = [:]
        for acceleration in [1, 8, 64] {
            let encoded = try encodedBytes(frame, limits: FrameLimits(compressionAcceleration: acceleration))
            XCTAssertEqual(try decodeFrames(encoded), [frame], "acceleration \(acceleration)")
            sizes[acceleration] = encoded.count
            if acceleration <= 8 { XCTAssertEqual(Array(encoded[6..<8]), [1, 0], "acceleration \(acceleration)") }
        }
        XCTAssertLessThan(sizes[1, default: 0], 28 + bytes.count * 7 / 8)
        XCTAssertLessThanOrEqual(sizes[1, default: 0], sizes[8, default: 0])
        // The setting reaches liblz4: the fastest search finds less.
        XCTAssertLessThan(sizes[1, default: 0], sizes[64, default: 0])
    }

    func testPipelinedFramesInOneBuffer() throws {
        let samples = Fixtures.samples
        let (channel, recorder) = try makeServerChannel()
        var buffer = channel.allocator.buffer(capacity: 0)
        for (index, sample) in samples.enumerated() {
            try FrameEncoder.encode(sample.frame(1000 + UInt64(index)), into: &buffer)
        }
        try channel.writeInbound(buffer)
        for (index, sample) in samples.enumerated() {
            let frame = try XCTUnwrap(try channel.readInbound(as: Frame.self), sample.name)
            XCTAssertEqual(frame.requestID, 1000 + UInt64(index))
            XCTAssertTrue(try sample.matches(frame), sample.name)
        }
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        XCTAssertEqual(recorder.errors.count, 0)
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testFrameSplitByteByByte() throws {
        let request = IngestRequest(producerID: 4, sequence: 5, mapVersion: 6, batch: Fixtures.batch)
        let first = try encodedBytes(Frame(request, requestID: 41))
        let second = try encodedBytes(Frame(HeartbeatAck(mapVersion: 7), requestID: 42))
        let (channel, recorder) = try makeServerChannel()
        for (index, byte) in (first + second).enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let frame = try channel.readInbound(as: Frame.self)
            if index == first.count - 1 {
                XCTAssertEqual(frame?.requestID, 41)
                XCTAssertEqual(try frame?.decode(IngestRequest.self), request)
            } else if index == first.count + second.count - 1 {
                XCTAssertEqual(frame?.requestID, 42)
                XCTAssertEqual(try frame?.decode(HeartbeatAck.self), HeartbeatAck(mapVersion: 7))
            } else {
                XCTAssertNil(frame, "frame after byte \(index)")
            }
        }
        XCTAssertEqual(recorder.errors.count, 0)
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testUnknownMessageTypeDecodesAsFrame() throws {
        let frame = Frame(typeCode: 0x7F, requestID: 77, payload: ByteBuffer(string: "from v2"))
        XCTAssertNil(frame.messageType)
        let (channel, recorder) = try makeServerChannel()
        try channel.writeInbound(ByteBuffer(bytes: try encodedBytes(frame)))
        let decoded = try XCTUnwrap(try channel.readInbound(as: Frame.self))
        XCTAssertEqual(decoded, frame)
        XCTAssertEqual(decoded.typeCode, 0x7F)
        assertThrows(WireError.unexpectedMessage(expected: .topQuery, got: 0x7F)) {
            try decoded.decode(TopQuery.self)
        }
        XCTAssertEqual(recorder.errors.count, 0)
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testDecodingAnErrorFrameThrowsTheErrorMessage() {
        let error = ErrorMessage(code: .notOwner, message: "moved", mapVersion: 8)
        let frame = Frame(error, requestID: 12)
        assertThrows(error) { try frame.decode(TopReply.self) }
        XCTAssertEqual(try frame.decode(ErrorMessage.self), error)
    }

    func testDecodingAnotherTypeThrowsUnexpectedMessage() {
        let frame = Frame(TotalsQuery(window: .allTime, anchor: nil), requestID: 1)
        assertThrows(WireError.unexpectedMessage(expected: .topQuery, got: 0x22)) {
            try frame.decode(TopQuery.self)
        }
    }

    func testEncoderRefusesOversizedPayload() throws {
        let limits = FrameLimits(maxPayloadBytes: 100)
        let frame = Frame(typeCode: 0x7E, requestID: 1, payload: ByteBuffer(repeating: 0, count: 101))
        assertThrows(WireError.payloadTooLarge(101, limit: 100)) { try encodedBytes(frame, limits: limits) }

        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodec(limits: limits)
        assertThrows(WireError.payloadTooLarge(101, limit: 100)) { try channel.writeOutbound(frame) }
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        // MessageToByteHandler also fires the error down the pipeline (where a ProtocolErrorHandler would act on it).
        assertThrows(WireError.payloadTooLarge(101, limit: 100)) { try channel.finish() }
    }

    func testDefaultLimits() {
        XCTAssertEqual(FrameLimits.default.maxPayloadBytes, 16 * 1024 * 1024)
        XCTAssertEqual(FrameLimits.default.compressionThreshold, 1024)
        XCTAssertEqual(FrameLimits(), FrameLimits.default)
    }

    func testWireErrorsMapToErrorCodes() {
        XCTAssertEqual(WireError.badMagic(1).errorMessage.code, .malformedFrame)
        XCTAssertEqual(WireError.unsupportedVersion(2).errorMessage.code, .malformedFrame)
        XCTAssertEqual(WireError.payloadTooLarge(3, limit: 2).errorMessage.code, .malformedFrame)
        XCTAssertEqual(WireError.checksumMismatch(expected: 1, actual: 2).errorMessage.code, .malformedFrame)
        XCTAssertEqual(WireError.decompressionFailed.errorMessage.code, .malformedFrame)
        XCTAssertEqual(WireError.connectionClosed.errorMessage.code, .malformedFrame)
        XCTAssertEqual(
            WireError.malformedPayload("x").errorMessage,
            ErrorMessage(code: .malformedPayload, message: "malformed payload: x")
        )
        XCTAssertEqual(
            WireError.unexpectedMessage(expected: .topQuery, got: 0x7F).errorMessage,
            ErrorMessage(code: .unsupportedMessage, message: "expected a topQuery message, got unknown type 0x7f")
        )
        XCTAssertEqual(
            WireError.badMagic(0x2054_4547).description,
            "bad frame magic 0x20544547 (expected 0x314b4254)"
        )
    }
}
