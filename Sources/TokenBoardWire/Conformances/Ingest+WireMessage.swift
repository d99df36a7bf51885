import NIOCore
import TokenBoardCore

/// producerID u64, sequence u64, mapVersion u64, then the EventBatch.
extension IngestRequest: WireMessage {
    public static var messageType: MessageType { .ingest }

    public init(from payload: inout ByteBuffer) throws {
        guard
            let (producerID, sequence, mapVersion) = payload.readMultipleIntegers(
                endianness: .little,
                as: (UInt64, UInt64, UInt64).self
            )
        else { throw WireError.truncated("ingest header", needed: 24, remaining: payload.readableBytes) }
        self.init(producerID: producerID, sequence: sequence, mapVersion: mapVersion, batch: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(producerID, sequence, mapVersion, endianness: .little)
        buffer.writeWire(batch)
    }
}

/// applied u32, mapVersion u64.
extension IngestAck: WireMessage {
    public static var messageType: MessageType { .ingestAck }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            applied: try payload.readWire(),
            mapVersion: try payload.readWire(),
            duplicate: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(applied, mapVersion, endianness: .little)
        buffer.writeWire(duplicate)
    }
}
