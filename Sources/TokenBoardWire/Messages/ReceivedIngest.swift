import NIOCore
import TokenBoardCore

/// An ingest request as a worker reads it: the payload of an `IngestRequest` or a `CompactIngestRequest`
/// (docs/PROTOCOL.md), with the batch read as an `IngestBatch`, the form a shard checks and applies. Only for
/// receiving: it cannot be encoded again, since session ids are kept as digests.
public struct ReceivedIngest: Sendable {
    public var producerID: UInt64
    public var sequence: UInt64
    public var mapVersion: UInt64
    public var batch: IngestBatch

    /// The request an ingest frame carries.
    ///
    /// - Throws: what `Frame.decode(IngestRequest.self)` throws for the same frame: the `ErrorMessage` of an error
    ///   frame, `WireError.unexpectedMessage` for a type other than the two ingest messages,
    ///   `WireError.malformedPayload` (or another `WireError`) when the payload does not decode or has bytes left over.
    public init(frame: Frame) throws {
        let layout: EventRecordLayout
        switch frame.messageType {
        case .ingest: layout = .wide
        case .compactIngest: layout = .compact
        default:
            _ = try frame.decode(IngestRequest.self)
            throw WireError.unexpectedMessage(expected: .ingest, got: frame.typeCode)
        }
        var payload = frame.payload
        (producerID, sequence, mapVersion) = try payload.readIngestHeader()
        batch = try IngestBatch(wire: &payload, layout: layout)
        guard payload.readableBytes == 0 else {
            throw WireError.malformedPayload(
                "\(payload.readableBytes) bytes left over after a \(frame.messageType!) message"
            )
        }
    }
}
