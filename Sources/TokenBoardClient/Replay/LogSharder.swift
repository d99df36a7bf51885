import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload

/// Lays events out for one shard map as a sharded log (`tokenboard convert --shards`): each worker's events, in
/// order, in batches of `eventsPerBlock`, encoded and compressed as ingest batches once, so that every replay of
/// the log into a cluster with that map only forwards them (`Replayer.run(sharded:recordedMap:)`).
///
/// The batches are the ones a replay of the source log would send with the same batch size: the partitioning is
/// the replayer's own (`BatchPartitioner`).
public struct LogSharder {
    public let writer: ShardedLogWriter
    public let eventsPerBlock: Int
    private var partitioner: BatchPartitioner
    /// Events written to blocks so far.
    public private(set) var events = 0
    public private(set) var blocks = 0

    /// The most events a block may hold: an ingest batch's tables address at most 65,536 names.
    public static let maxEventsPerBlock = EventBatch.maxConvertedEvents

    public init(writer: ShardedLogWriter, eventsPerBlock: Int) {
        precondition((1...Self.maxEventsPerBlock).contains(eventsPerBlock), "1 to 65,536 events per block")
        self.writer = writer
        self.eventsPerBlock = eventsPerBlock
        partitioner = BatchPartitioner(map: writer.map, capacity: eventsPerBlock)
    }

    /// Adds a source batch's events to their workers' blocks, writing every block that fills.
    public mutating func append(_ batch: EventBatch) throws {
        partitioner.start(batch)
        var index = 0
        while index < batch.events.count {
            let step = partitioner.routeEvents(index..<batch.events.count, fillingUpTo: eventsPerBlock)
            for (worker, block) in step.ready { try write(block, of: worker) }
            index = step.next
        }
    }

    /// Writes every partly filled block; call once, after the last `append`, before closing the writer.
    public mutating func finish() throws {
        for worker in writer.map.workers.indices where partitioner.count(of: worker) > 0 {
            try write(partitioner.take(worker), of: worker)
        }
    }

    private mutating func write(_ batch: EventBatch, of worker: Int) throws {
        let prepared = PreparedBatch(encoding: batch)
        try prepared.bytes.withUnsafeReadableBytes { payload in
            try writer.writeBlock(
                worker: worker,
                events: prepared.events,
                rawLength: prepared.rawLength,
                compressed: prepared.isCompressed,
                payload: payload
            )
        }
        events += prepared.events
        blocks += 1
    }
}
