import TokenBoardCore

/// A batch of events for one worker. A producer that numbers its batches (`producerID` not 0) sends each
/// worker sequence numbers 1, 2, 3, … in order; the worker applies only the next one, acknowledges an already
/// applied one as a duplicate, and refuses a gap, so resending every unacknowledged batch after a failure is
/// always safe. Producer id 0 means unnumbered: every batch is applied.
public struct IngestRequest: Sendable, Hashable {
    public var producerID: UInt64
    public var sequence: UInt64
    /// The shard-map version the producer partitioned under.
    public var mapVersion: UInt64
    public var batch: EventBatch

    public init(producerID: UInt64 = 0, sequence: UInt64 = 0, mapVersion: UInt64, batch: EventBatch) {
        self.producerID = producerID
        self.sequence = sequence
        self.mapVersion = mapVersion
        self.batch = batch
    }
}

/// The worker has the batch: it applied it now, or (`duplicate`) it had already applied this producer's batch
/// with this sequence number and applied nothing again.
public struct IngestAck: Sendable, Hashable {
    /// Events in the batch (applied now, or earlier when `duplicate`).
    public var applied: UInt32
    public var mapVersion: UInt64
    public var duplicate: Bool

    public init(applied: UInt32, mapVersion: UInt64, duplicate: Bool = false) {
        self.applied = applied
        self.mapVersion = mapVersion
        self.duplicate = duplicate
    }
}
