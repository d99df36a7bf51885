import TokenBoardCore

/// A batch of events for one worker. `producerID` and `sequence` identify the batch for de-duplication of
/// retries (0 and 0 when the producer does not number its batches).
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

/// The worker applied the batch.
public struct IngestAck: Sendable, Hashable {
    public var applied: UInt32
    public var mapVersion: UInt64

    public init(applied: UInt32, mapVersion: UInt64) {
        self.applied = applied
        self.mapVersion = mapVersion
    }
}
