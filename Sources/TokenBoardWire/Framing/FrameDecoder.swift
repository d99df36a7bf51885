import LZ4
import NIOCore
import TokenBoardCore

/// Turns bytes into `Frame`s. Each header field is checked as soon as its bytes are in: magic and version after
/// five bytes, flags after eight, both lengths after twenty-four, all before the payload is waited for or any
/// buffer is allocated for it. A complete frame's checksum is verified before it is decompressed.
///
/// Throws the `WireError` that describes the first fault; `ByteToMessageHandler` then fires it through
/// `errorCaught` and drops everything that follows, since a stream that lost its framing cannot be resynchronised.
/// A connection that ends mid-frame throws `WireError.connectionClosed`.
public final class FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Frame

    public let limits: FrameLimits
    private let allocator = ByteBufferAllocator()

    public init(limits: FrameLimits = .default) {
        self.limits = limits
    }

    /// Decodes one frame from the front of `buffer`, or returns nil (consuming nothing) until one is complete.
    public func decode(buffer: inout ByteBuffer) throws -> Frame? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        func field<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            buffer.getInteger(at: start + offset, endianness: .little, as: T.self)!
        }

        guard available >= 4 else { return nil }
        let magic = field(0, UInt32.self)
        guard magic == FrameHeader.magic else { throw WireError.badMagic(magic) }

        guard available > FrameHeader.versionOffset else { return nil }
        let version = field(FrameHeader.versionOffset, UInt8.self)
        guard version == FrameHeader.version else { throw WireError.unsupportedVersion(version) }

        guard available >= FrameHeader.flagsOffset + 2 else { return nil }
        let flags = field(FrameHeader.flagsOffset, UInt16.self)
        guard flags & ~FrameHeader.knownFlags == 0 else {
            throw WireError.malformedPayload(
                "unknown frame flags 0x\(String(flags & ~FrameHeader.knownFlags, radix: 16)) in a v1 frame"
            )
        }
        let compressed = flags & FrameHeader.compressedFlag != 0

        guard available >= FrameHeader.uncompressedLengthOffset + 4 else { return nil }
        let payloadLength = Int(field(FrameHeader.payloadLengthOffset, UInt32.self))
        let uncompressedLength = Int(field(FrameHeader.uncompressedLengthOffset, UInt32.self))
        let limit = limits.effectiveMaxPayloadBytes
        guard payloadLength <= limit else { throw WireError.payloadTooLarge(payloadLength, limit: limit) }
        guard uncompressedLength <= limit else { throw WireError.payloadTooLarge(uncompressedLength, limit: limit) }
        if compressed {
            guard uncompressedLength <= payloadLength * FrameHeader.maxCompressionRatio else {
                throw WireError.decompressionFailed
            }
        } else {
            guard uncompressedLength == payloadLength else {
                throw WireError.malformedPayload(
                    "uncompressed length \(uncompressedLength) differs from payload length \(payloadLength) in an uncompressed frame"
                )
            }
        }

        guard available >= FrameHeader.size + payloadLength else { return nil }
        let expected = field(FrameHeader.checksumOffset, UInt32.self)
        let actual = buffer.withUnsafeReadableBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(start: raw.baseAddress! + FrameHeader.size, count: payloadLength))
        }
        guard actual == expected else { throw WireError.checksumMismatch(expected: expected, actual: actual) }

        let typeCode = field(FrameHeader.typeOffset, UInt8.self)
        let requestID = field(FrameHeader.requestIDOffset, UInt64.self)
        // Only ingest frames are logged as they arrived; keeping the bytes of others would only pin the buffer.
        let received =
            typeCode == MessageType.ingest.rawValue || typeCode == MessageType.compactIngest.rawValue
            ? buffer.getSlice(at: start, length: FrameHeader.size + payloadLength) : nil
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        let wire = buffer.readSlice(length: payloadLength)!
        let payload = compressed ? try decompress(wire, to: uncompressedLength) : wire
        var frame = Frame(typeCode: typeCode, requestID: requestID, payload: payload)
        frame.received = received
        return frame
    }

    /// Decodes what is left when the connection ends; bytes of an incomplete frame are an error, not silence,
    /// so a peer that died mid-request is noticed.
    public func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        if seenEOF && buffer.readableBytes > 0 { throw WireError.connectionClosed }
        return nil
    }

    private func decompress(_ wire: ByteBuffer, to length: Int) throws(WireError) -> ByteBuffer {
        try wire.lz4Decompressed(length: length, allocator: allocator)
    }
}
