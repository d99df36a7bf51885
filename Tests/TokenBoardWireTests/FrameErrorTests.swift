import NIOCore
import NIOEmbedded
import TokenBoardCore
import TokenBoardWire
import XCTest

/// Every framing fault: the decoder throws the exact `WireError`, and the `ProtocolErrorHandler` answers with one
/// error frame (request id 0) and closes the connection.
final class FrameErrorTests: XCTestCase {
    private func assertRejected(
        _ bytes: [UInt8],
        limits: FrameLimits = .default,
        with expected: WireError,
        deliveredFirst: Int = 0,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let (channel, recorder) = try makeServerChannel(limits: limits)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        for _ in 0..<deliveredFirst {
            XCTAssertNotNil(try channel.readInbound(as: Frame.self), file: file, line: line)
        }
        XCTAssertNil(try channel.readInbound(as: Frame.self), file: file, line: line)
        XCTAssertEqual(recorder.errors.count, 1, file: file, line: line)
        XCTAssertEqual(recorder.errors.first as? WireError, expected, file: file, line: line)

        let out = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self), file: file, line: line)
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), file: file, line: line)
        let frames = try decodeFrames(Array(out.readableBytesView))
        XCTAssertEqual(frames.count, 1, file: file, line: line)
        XCTAssertEqual(frames.first?.requestID, 0, file: file, line: line)
        XCTAssertEqual(frames.first?.messageType, .error, file: file, line: line)
        XCTAssertEqual(try frames.first?.decode(ErrorMessage.self), expected.errorMessage, file: file, line: line)
        XCTAssertFalse(channel.isActive, file: file, line: line)
        // Closing schedules the pipeline's teardown; run it so the channel is released.
        channel.embeddedEventLoop.run()
    }

    func testBadMagicIsRefusedAfterFourBytes() throws {
        try assertRejected(Array("GET ".utf8), with: .badMagic(0x2054_4547))
        XCTAssertEqual(WireError.badMagic(0x2054_4547).errorMessage.code, .malformedFrame)
    }

    func testBadVersionIsRefusedAfterFiveBytes() throws {
        try assertRejected([0x54, 0x42, 0x4B, 0x31, 2], with: .unsupportedVersion(2))
    }

    func testUnknownFlagBitsAreRefusedAfterEightBytes() throws {
        let bytes = header(flags: 0x8001, payloadLength: 0, uncompressedLength: 0, crc: 0)
        try assertRejected(Array(bytes[..<8]), with: .malformedPayload("unknown frame flags 0x8000 in a v1 frame"))
        let two = header(flags: 0x0002, payloadLength: 0, uncompressedLength: 0, crc: 0)
        try assertRejected(two, with: .malformedPayload("unknown frame flags 0x2 in a v1 frame"))
    }

    func testOversizedLengthIsRefusedBeforeThePayloadArrives() throws {
        let limits = FrameLimits(maxPayloadBytes: 1024)
        try assertRejected(
            header(payloadLength: 1025, uncompressedLength: 1025, crc: 0),
            limits: limits,
            with: .payloadTooLarge(1025, limit: 1024)
        )
        // Only the first 24 bytes: the lengths are enough to refuse.
        try assertRejected(
            Array(header(payloadLength: .max, uncompressedLength: .max, crc: 0)[..<24]),
            with: .payloadTooLarge(4_294_967_295, limit: 16 << 20)
        )
    }

    func testOversizedUncompressedLengthIsRefusedBeforeThePayloadArrives() throws {
        try assertRejected(
            header(flags: 1, payloadLength: 100, uncompressedLength: 2000, crc: 0),
            limits: FrameLimits(maxPayloadBytes: 1024),
            with: .payloadTooLarge(2000, limit: 1024)
        )
    }

    func testImpossibleCompressionRatioIsRefusedBeforeThePayloadArrives() throws {
        try assertRejected(
            header(flags: 1, payloadLength: 10, uncompressedLength: 2551, crc: 0),
            with: .decompressionFailed
        )
    }

    func testChecksumMismatch() throws {
        var bytes = try encodedBytes(Frame(HeartbeatAck(mapVersion: 0x0102_0304_0506_0708), requestID: 9))
        bytes[28 + 3] ^= 0x01
        try assertRejected(bytes, with: .checksumMismatch(expected: 0x26F9_021C, actual: 0x1EE8_6DB0))
    }

    func testUncompressedLengthMismatchInAnUncompressedFrame() throws {
        try assertRejected(
            header(payloadLength: 8, uncompressedLength: 9, crc: 0),
            with: .malformedPayload("uncompressed length 9 differs from payload length 8 in an uncompressed frame")
        )
    }

    /// A compressed frame whose header promises one byte more, or less, than the block expands to.
    func testUncompressedLengthMismatchInACompressedFrame() throws {
        let frame = Frame(typeCode: 0x7E, requestID: 5, payload: ByteBuffer(repeating: 0x41, count: 4000))
        let bytes = try encodedBytes(frame)
        XCTAssertEqual(Array(bytes[6..<8]), [1, 0])
        for declared: UInt32 in [3999, 4001] {
            var forged = bytes
            forged.replaceSubrange(20..<24, with: le(declared))
            try assertRejected(forged, with: .decompressionFailed)
        }
    }

    func testCorruptLZ4BlockWithValidChecksum() throws {
        let frame = Frame(typeCode: 0x7E, requestID: 5, payload: ByteBuffer(repeating: 0x41, count: 4000))
        var bytes = try encodedBytes(frame)
        let block = [UInt8](repeating: 0xFF, count: bytes.count - 28)
        bytes.replaceSubrange(28..., with: block)
        bytes.replaceSubrange(24..<28, with: le(CRC32C.checksum(block)))
        try assertRejected(bytes, with: .decompressionFailed)
    }

    func testGoodFramesBeforeAFaultAreDelivered() throws {
        let good = try encodedBytes(Frame(HeartbeatAck(mapVersion: 1), requestID: 1))
        try assertRejected(good + good + Array("HTTP".utf8), with: .badMagic(0x5054_5448), deliveredFirst: 2)
    }

    func testBytesAfterAFaultAreIgnoredAndAnsweredOnce() throws {
        let good = try encodedBytes(Frame(HeartbeatAck(mapVersion: 1), requestID: 1))
        try assertRejected([0, 0, 0, 0] + good + [0, 0, 0, 0], with: .badMagic(0))
    }

    func testTruncatedFrameWhenTheConnectionCloses() throws {
        let bytes = try encodedBytes(Frame(RankReply(ahead: 1, activeEmployees: 2, mapVersion: 3), requestID: 4))
        let (channel, recorder) = try makeServerChannel()
        try channel.writeInbound(ByteBuffer(bytes: Array(bytes[..<(bytes.count - 1)])))
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        XCTAssertEqual(recorder.errors.count, 0)

        channel.close(promise: nil)
        channel.embeddedEventLoop.run()
        XCTAssertFalse(channel.isActive)
        XCTAssertNil(try channel.readInbound(as: Frame.self))
        XCTAssertEqual(recorder.errors.count, 1)
        XCTAssertEqual(recorder.errors.first as? WireError, .connectionClosed)
        // The connection is gone, so there is nobody to send an error frame to.
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
    }

    func testCleanCloseBetweenFramesIsNoError() throws {
        let bytes = try encodedBytes(Frame(RankReply(ahead: 1, activeEmployees: 2, mapVersion: 3), requestID: 4))
        let (channel, recorder) = try makeServerChannel()
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        channel.close(promise: nil)
        channel.embeddedEventLoop.run()
        XCTAssertEqual(try channel.readInbound(as: Frame.self)?.requestID, 4)
        XCTAssertEqual(recorder.errors.count, 0)
    }

    func testStandaloneDecoderReportsTruncationAtEOF() throws {
        let bytes = try encodedBytes(Frame(HeartbeatAck(mapVersion: 1), requestID: 1))
        let decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: bytes[..<30])
        XCTAssertNil(try decoder.decode(buffer: &buffer))
        XCTAssertEqual(buffer.readableBytes, 30)
        assertThrows(WireError.connectionClosed) { try decoder.decodeLast(buffer: &buffer, seenEOF: true) }
        var empty = ByteBuffer()
        XCTAssertNil(try decoder.decodeLast(buffer: &empty, seenEOF: true))
    }

    func testNonWireErrorsJustClose() throws {
        struct Boom: Error {}
        let (channel, recorder) = try makeServerChannel()
        channel.pipeline.fireErrorCaught(Boom())
        channel.embeddedEventLoop.run()
        XCTAssertEqual(recorder.errors.count, 1)
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertFalse(channel.isActive)
    }
}
