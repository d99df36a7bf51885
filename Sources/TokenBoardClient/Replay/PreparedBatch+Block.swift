import NIOCore
import TokenBoardWire
import TokenBoardWorkload

extension PreparedBatch {
    /// A sharded log's block as the prepared batch it stores.
    init(_ block: ShardedLogBlock) {
        self.init(
            events: block.events,
            rawLength: block.rawLength,
            isCompressed: block.compressed,
            bytes: ByteBuffer(bytes: block.payload),
            checksum: block.payloadCRC
        )
    }
}
