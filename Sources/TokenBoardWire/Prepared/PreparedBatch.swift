import LZ4
import NIOCore
import TokenBoardCore

/// An ingest batch encoded ahead of time: the bytes an ingest request carries after its 24-byte header (the
/// `EventBatch` encoding, docs/PROTOCOL.md), LZ4-compressed when that makes them smaller. A sharded log
/// (`tokenboard convert --shards`) stores one per block, and `EncodedFrame.ingest` turns one into a ready ingest
/// frame without encoding or compressing the batch again.
public struct PreparedBatch: Sendable {
    /// Events in the batch.
    public var events: Int
    /// The encoded batch's size before compression.
    public var rawLength: Int
    public var isCompressed: Bool
    /// The encoded batch, one LZ4 block when `isCompressed`.
    public var bytes: ByteBuffer
    /// The CRC-32C of `bytes` when the maker knows it (a sharded log stores it): the ingest frame's checksum is
    /// then derived from it rather than computed over the frame (`EncodedFrame.ingest`).
    public var checksum: UInt32?

    /// A batch from its parts; `checksum`, when given, must be that of `bytes`.
    public init(events: Int, rawLength: Int, isCompressed: Bool, bytes: ByteBuffer, checksum: UInt32? = nil) {
        self.events = events
        self.rawLength = rawLength
        self.isCompressed = isCompressed
        self.bytes = bytes
        self.checksum = checksum
    }

    /// Encodes and compresses `batch`. Preparing happens once per log, so the default is liblz4's strongest fast
    /// setting (acceleration 1): every byte saved is saved again on every replay, on the wire and in the worker's
    /// write-ahead log.
    public init(
        encoding batch: EventBatch,
        acceleration: Int = 1,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) {
        var raw = allocator.buffer(capacity: 0)
        raw.writeWire(batch)
        let length = raw.readableBytes
        var compressed = allocator.buffer(capacity: length)
        // One byte short of the input: liblz4 gives up as soon as the block would not be smaller.
        let written = raw.withUnsafeReadableBytes { source in
            compressed.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
                LZ4.compress(
                    source,
                    into: UnsafeMutableRawBufferPointer(start: destination.baseAddress, count: max(0, length - 1)),
                    acceleration: acceleration
                ) ?? 0
            }
        }
        self.init(
            events: batch.events.count,
            rawLength: length,
            isCompressed: written > 0,
            bytes: written > 0 ? compressed : raw
        )
    }

    /// The batch itself, for a replay that has to partition it again (a shard map other than the one it was
    /// prepared for). Indices are checked where the batch is applied, as for any received batch.
    public func decoded() throws(WireError) -> EventBatch {
        var raw: ByteBuffer
        if isCompressed {
            guard rawLength <= bytes.readableBytes * FrameHeader.maxCompressionRatio else { throw .decompressionFailed }
            raw = try bytes.lz4Decompressed(length: rawLength, allocator: ByteBufferAllocator())
        } else {
            raw = bytes
        }
        let batch = try raw.readWire(EventBatch.self)
        guard raw.readableBytes == 0 else {
            throw .malformedPayload("\(raw.readableBytes) bytes left over after a prepared batch")
        }
        guard batch.events.count == events else {
            throw .malformedPayload("a prepared batch of \(events) events holds \(batch.events.count)")
        }
        return batch
    }
}
