import Foundation
import TokenBoardCore
import TokenBoardNode
import TokenBoardWire

/// Start-up recovery of one worker: the time to replay a write-ahead log of `events` events, to write a snapshot
/// of the same state, and to start again from that snapshot alone.
public struct RecoveryBenchmark: Sendable {
    public var employees: Int
    public var events: Int
    public var batchSize: Int
    /// Where the data directory is made (and removed afterwards).
    public var scratch: String

    public init(employees: Int, events: Int, batchSize: Int = 8192, scratch: String) {
        self.employees = employees
        self.events = events
        self.batchSize = batchSize
        self.scratch = scratch
    }

    public func run(priceBook: PriceBook) throws -> [Measurement] {
        let directory = scratch + "/recovery-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batches = try SyntheticLoad.batches(
            employees: employees,
            events: events,
            batchSize: batchSize,
            priceBook: priceBook
        )
        let map = ShardMap.initial(workers: ["w1"], slotCount: 16)
        do {
            let (store, log, _) = try ShardRecovery.recover(directory: directory, priceBook: priceBook, policy: .never)
            let shard = Shard(workerID: "w1", store: store, map: map, log: log)
            for (i, batch) in batches.enumerated() {
                let request = IngestRequest(producerID: 1, sequence: UInt64(i + 1), mapVersion: 1, batch: batch)
                _ = try IngestAck(reply: shard.handle(Frame(ingest: request, requestID: UInt64(i))))
            }
            try shard.syncLog()
        }

        let clock = ContinuousClock()
        var started = clock.now
        let (replayed, log, fromLog) = try ShardRecovery.recover(
            directory: directory,
            priceBook: priceBook,
            policy: .never
        )
        let replayTime = clock.now - started
        precondition(replayed.eventCount == UInt64(events), "the log replay lost events")

        let shard = Shard(workerID: "w1", store: replayed, map: map, log: log)
        guard let snapshot = try shard.writeSnapshot() else { return [] }

        started = clock.now
        let (loaded, _, fromSnapshot) = try ShardRecovery.recover(
            directory: directory,
            priceBook: priceBook,
            policy: .never
        )
        let loadTime = clock.now - started
        precondition(loaded.eventCount == UInt64(events) && fromSnapshot.log.records == 0)

        let seconds = { (d: Duration) in d.milliseconds / 1000 }
        return [
            Measurement(
                name: "recovery_log_replay_seconds",
                value: seconds(replayTime),
                unit: "s",
                detail:
                    "\(events) events, \(employees) employees, \(fromLog.log.records) records, \(fromLog.log.bytes) bytes of log"
            ),
            Measurement(
                name: "recovery_log_replay_events_per_second",
                value: Double(events) / max(seconds(replayTime), 1e-9),
                unit: "events/s",
                detail: "read, checksum, decompress, decode and apply"
            ),
            Measurement(
                name: "snapshot_write_seconds",
                value: seconds(snapshot.elapsed),
                unit: "s",
                detail: "\(snapshot.fileBytes) bytes (LZ4), encode + write + fsync + rename"
            ),
            Measurement(
                name: "recovery_from_snapshot_seconds",
                value: seconds(loadTime),
                unit: "s",
                detail: "the same state loaded from the snapshot, no log to replay"
            ),
        ]
    }
}
