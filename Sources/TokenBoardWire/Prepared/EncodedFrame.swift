import LZ4
import NIOCore
import TokenBoardCore

/// A frame already in its wire form, header and payload, so that sending it costs a copy of its 28-byte header
/// (to set the request id, which the checksum does not cover) and no encoding, compression or checksumming.
public struct EncodedFrame: Sendable {
    /// The whole frame as `FrameHeader` lays it out, with request id 0.
    public let bytes: ByteBuffer

    /// Events carried, for an ingest frame.
    public let events: Int

    /// The payload's size on the wire.
    public var payloadBytes: Int { bytes.readableBytes - FrameHeader.size }

    /// The frame's header with `requestID` in place; send it and then `payload`.
    public func header(requestID: UInt64, allocator: ByteBufferAllocator) -> ByteBuffer {
        var header = allocator.buffer(capacity: FrameHeader.size)
        header.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex, length: FrameHeader.size)!)
        header.setInteger(requestID, at: header.readerIndex + FrameHeader.requestIDOffset, endianness: .little)
        return header
    }

    /// The payload as on the wire (a view of `bytes`, not a copy).
    public var payload: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + FrameHeader.size, length: payloadBytes)!
    }

    /// The ingest frame of a prepared batch: the request's 24-byte header (producer, sequence, map version) put in
    /// front of the batch's LZ4 block with `LZ4.prefixing`, so the batch is neither encoded nor compressed again.
    /// The worker receives, checks, logs and applies it like any other ingest frame.
    ///
    /// - Throws: `WireError.decompressionFailed` when the prepared block does not start like an LZ4 block.
    public static func ingest(
        producerID: UInt64,
        sequence: UInt64,
        mapVersion: UInt64,
        batch: PreparedBatch,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(WireError) -> EncodedFrame {
        let requestHeaderSize = 24
        var requestHeader = (producerID.littleEndian, sequence.littleEndian, mapVersion.littleEndian)
        let stored = batch.bytes.readableBytes
        let bound =
            batch.isCompressed
            ? LZ4.prefixedBlockBound(prefix: requestHeaderSize, block: stored) : requestHeaderSize + stored
        var out = allocator.buffer(capacity: FrameHeader.size + bound)
        out.writeRepeatingByte(0, count: FrameHeader.size)
        var prefixFailed = false
        let payloadLength = withUnsafeBytes(of: &requestHeader) { prefix in
            batch.bytes.withUnsafeReadableBytes { block in
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
                    let target = UnsafeMutableRawBufferPointer(start: destination.baseAddress, count: bound)
                    guard batch.isCompressed else {
                        target.copyMemory(from: prefix)
                        UnsafeMutableRawBufferPointer(rebasing: target[requestHeaderSize...]).copyMemory(from: block)
                        return bound
                    }
                    guard let written = try? LZ4.prefixing(prefix, toBlock: block, into: target) else {
                        prefixFailed = true
                        return 0
                    }
                    return written
                }
            }
        }
        if prefixFailed { throw .decompressionFailed }
        let start = out.readerIndex
        let checksum = out.withUnsafeReadableBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[FrameHeader.size..<(FrameHeader.size + payloadLength)])
            guard let batchChecksum = batch.checksum else { return CRC32C.checksum(payload) }
            // The payload is a new head and then the batch's bytes from `kept` on, verbatim: its checksum follows
            // from the batch's with the two heads' (CRC-32C is linear), not from a pass over the megabyte.
            let kept: Int
            if batch.isCompressed {
                guard let literals = batch.bytes.withUnsafeReadableBytes({ try? LZ4.firstLiterals(ofBlock: $0) })
                else { return CRC32C.checksum(payload) }
                kept = literals.head
            } else {
                kept = 0
            }
            let rest = stored - kept
            let oldHead = batch.bytes.withUnsafeReadableBytes {
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<kept]))
            }
            let newHead = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: payload[0..<(payloadLength - rest)]))
            return batchChecksum ^ CRC32C.shift(newHead ^ oldHead, by: rest)
        }
        out.setInteger(FrameHeader.magic, at: start, endianness: .little)
        out.setInteger(FrameHeader.version, at: start + FrameHeader.versionOffset)
        out.setInteger(MessageType.ingest.rawValue, at: start + FrameHeader.typeOffset)
        let flags = batch.isCompressed ? FrameHeader.compressedFlag : 0
        out.setInteger(flags, at: start + FrameHeader.flagsOffset, endianness: .little)
        out.setInteger(UInt32(payloadLength), at: start + FrameHeader.payloadLengthOffset, endianness: .little)
        let uncompressed = UInt32(requestHeaderSize + batch.rawLength)
        out.setInteger(uncompressed, at: start + FrameHeader.uncompressedLengthOffset, endianness: .little)
        out.setInteger(checksum, at: start + FrameHeader.checksumOffset, endianness: .little)
        return EncodedFrame(bytes: out, events: batch.events)
    }
}
