import LZ4
import NIOCore
import TokenBoardCore

/// Turns `Frame`s into bytes: header, then the payload, LZ4-compressed (at `compressionAcceleration`) when it is at
/// least `compressionThreshold` bytes and compression makes it smaller.
///
/// A frame whose payload exceeds `maxPayloadBytes` fails its write with `WireError.payloadTooLarge` (and the
/// error is fired down the pipeline); nothing of it is sent.
public final class FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public let limits: FrameLimits

    public init(limits: FrameLimits = .default) {
        self.limits = limits
    }

    public func encode(data frame: Frame, out: inout ByteBuffer) throws {
        try Self.encode(frame, into: &out, limits: limits)
    }

    /// Appends `frame`'s bytes to `out`; usable outside a pipeline (tests, tools, logs).
    public static func encode(_ frame: Frame, into out: inout ByteBuffer, limits: FrameLimits = .default) throws {
        let length = frame.payload.readableBytes
        let limit = limits.effectiveMaxPayloadBytes
        guard length <= limit else { throw WireError.payloadTooLarge(length, limit: limit) }

        let start = out.writerIndex
        out.reserveCapacity(minimumWritableBytes: FrameHeader.size + length)
        out.writeMultipleIntegers(
            FrameHeader.magic,
            FrameHeader.version,
            frame.typeCode,
            0 as UInt16,
            frame.requestID,
            UInt32(length),
            UInt32(length),
            0 as UInt32,
            endianness: .little
        )

        var flags: UInt16 = 0
        if length >= max(limits.compressionThreshold, 1) {
            // A destination one byte short of the input makes liblz4 give up as soon as the block would not be
            // smaller, so an incompressible payload costs one bounded attempt and no extra buffer.
            let written = frame.payload.withUnsafeReadableBytes { source in
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
                    LZ4.compress(
                        source,
                        into: UnsafeMutableRawBufferPointer(start: destination.baseAddress, count: length - 1),
                        acceleration: limits.compressionAcceleration
                    )
                        ?? 0
                }
            }
            if written > 0 { flags |= FrameHeader.compressedFlag }
        }
        if flags & FrameHeader.compressedFlag == 0 {
            out.writeImmutableBuffer(frame.payload)
        }

        let payloadStart = start + FrameHeader.size
        let wireLength = out.writerIndex - payloadStart
        let checksum = out.withUnsafeReadableBytes { raw in
            let offset = payloadStart - out.readerIndex
            return CRC32C.checksum(
                UnsafeRawBufferPointer(start: raw.baseAddress.map { $0 + offset }, count: wireLength)
            )
        }
        out.setInteger(flags, at: start + FrameHeader.flagsOffset, endianness: .little)
        out.setInteger(UInt32(wireLength), at: start + FrameHeader.payloadLengthOffset, endianness: .little)
        out.setInteger(checksum, at: start + FrameHeader.checksumOffset, endianness: .little)
    }
}
