import NIOCore
import TokenBoardCore

/// producerID u64, sequence u64, mapVersion u64, then the EventBatch.
extension IngestRequest: WireMessage {
    public static var messageType: MessageType { .ingest }

    public init(from payload: inout ByteBuffer) throws {
        let (producerID, sequence, mapVersion) = try payload.readIngestHeader()
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

extension ByteBuffer {
    /// Reads the 24 bytes both ingest messages begin with: producerID, sequence and mapVersion.
    mutating func readIngestHeader() throws(WireError) -> (producerID: UInt64, sequence: UInt64, mapVersion: UInt64) {
        guard let header = readMultipleIntegers(endianness: .little, as: (UInt64, UInt64, UInt64).self) else {
            throw .truncated("ingest header", needed: 24, remaining: readableBytes)
        }
        return header
    }
}
