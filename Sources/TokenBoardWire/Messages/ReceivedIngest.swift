import NIOCore
import TokenBoardCore

/// An ingest request as a worker reads it: the same payload as `IngestRequest` (docs/PROTOCOL.md), with the batch
/// read as an `IngestBatch`, the form a shard checks and applies. Only for receiving: it cannot be encoded again,
/// since session ids are kept as digests.
public struct ReceivedIngest: Sendable {
    public var producerID: UInt64
    public var sequence: UInt64
    public var mapVersion: UInt64
    public var batch: IngestBatch

    /// The request an ingest frame carries.
    ///
    /// - Throws: what `Frame.decode(IngestRequest.self)` throws for the same frame: the `ErrorMessage` of an error
    ///   frame, `WireError.unexpectedMessage` for another type, `WireError.malformedPayload` (or another
    ///   `WireError`) when the payload does not decode or has bytes left over.
    public init(frame: Frame) throws {
        guard frame.typeCode == MessageType.ingest.rawValue else {
            _ = try frame.decode(IngestRequest.self)
            throw WireError.unexpectedMessage(expected: .ingest, got: frame.typeCode)
        }
        var payload = frame.payload
        guard
            let (producerID, sequence, mapVersion) = payload.readMultipleIntegers(
                endianness: .little,
                as: (UInt64, UInt64, UInt64).self
            )
        else { throw WireError.truncated("ingest header", needed: 24, remaining: payload.readableBytes) }
        batch = try IngestBatch(wire: &payload)
        guard payload.readableBytes == 0 else {
            throw WireError.malformedPayload(
                "\(payload.readableBytes) bytes left over after a \(MessageType.ingest) message"
            )
        }
        self.producerID = producerID
        self.sequence = sequence
        self.mapVersion = mapVersion
    }
}
