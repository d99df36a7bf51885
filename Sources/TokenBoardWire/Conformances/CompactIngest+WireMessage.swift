import NIOCore
import TokenBoardCore

/// producerID u64, sequence u64, mapVersion u64, then the EventBatch in the compact layout.
extension CompactIngestRequest: WireMessage {
    public static var messageType: MessageType { .compactIngest }

    public init(from payload: inout ByteBuffer) throws {
        let (producerID, sequence, mapVersion) = try payload.readIngestHeader()
        // The base the sender chose is kept, so that encoding the request again gives the same bytes.
        let (batch, base) = try CompactEventLayout.readBatch(from: &payload)
        self.init(
            request: IngestRequest(producerID: producerID, sequence: sequence, mapVersion: mapVersion, batch: batch),
            timestampBase: base
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(request.producerID, request.sequence, request.mapVersion, endianness: .little)
        CompactEventLayout.write(request.batch, base: timestampBase, to: &buffer)
    }
}

/// applied u32, mapVersion u64, duplicate bool: `IngestAck`'s payload.
extension CompactIngestAck: WireMessage {
    public static var messageType: MessageType { .compactIngestAck }

    public init(from payload: inout ByteBuffer) throws {
        self.init(try IngestAck(from: &payload))
    }

    public func encode(into buffer: inout ByteBuffer) {
        ack.encode(into: &buffer)
    }
}
