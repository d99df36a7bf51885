import Foundation
import TokenBoardCore

/// What a worker found in its data directory at start-up.
public struct RecoverySummary: Sendable, Hashable {
    /// The snapshot loaded, if any: when it was written, its size and the events it held.
    public var snapshotCreatedMillis: Int64?
    public var snapshotBytes: Int64
    public var snapshotEvents: UInt64
    /// The log segments replayed on top of it.
    public var log: RecoveryReport
    public var elapsed: Duration
}

/// Start-up recovery: the newest snapshot, then every log segment written after it, applied in order.
public enum ShardRecovery {
    /// The store a data directory holds, the log opened for further appends (in a fresh segment after every
    /// existing one), and what was found. Damage to the snapshot, or to the log anywhere but its last record, is
    /// an error naming the file and offset. With `spillPastDays` the store moves past days' detail to a spill file
    /// in the directory (see `SpillFile`), from the snapshot's load on.
    public static func recover(
        directory: String,
        priceBook: PriceBook,
        policy: SyncPolicy,
        spillPastDays: Bool = false,
        applyThreads: Int = 1
    ) throws -> (store: ShardStore, log: WriteAheadLog, summary: RecoverySummary) {
        let clock = ContinuousClock()
        let started = clock.now
        var spillFile: SpillFile?
        if spillPastDays {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            spillFile = try SpillFile(directory: directory)
        }
        var store = ShardStore(priceBook: priceBook, spillFile: spillFile)
        var covered: UInt64 = 0
        var summary = RecoverySummary(
            snapshotCreatedMillis: nil,
            snapshotBytes: 0,
            snapshotEvents: 0,
            log: RecoveryReport(segments: 0, records: 0, events: 0, bytes: 0, truncatedTailBytes: 0, elapsed: .zero),
            elapsed: .zero
        )
        if let snapshot = try SnapshotFile.read(directory: directory) {
            do {
                store = try ShardStore(snapshot: snapshot.body, priceBook: priceBook, spillFile: spillFile)
            } catch {
                throw SnapshotFile.Failure(
                    description: "\(SnapshotFile.path(in: directory)) cannot be loaded: body \(error)"
                )
            }
            covered = snapshot.coveredSegment
            summary.snapshotCreatedMillis = snapshot.createdMillis
            summary.snapshotBytes = snapshot.fileBytes
            summary.snapshotEvents = store.eventCount
        }
        store.applyThreads = applyThreads
        summary.log = try WriteAheadLog.replayReceived(directory: directory, after: covered) { request in
            store.apply(try store.check(request.batch))
            store.producers.applied(producer: request.producerID, sequence: request.sequence)
        }
        store.movePastDays()
        let next = max(covered, WriteAheadLog.segments(in: directory).last ?? 0) + 1
        let log = try WriteAheadLog(directory: directory, policy: policy, segment: next)
        summary.elapsed = clock.now - started
        return (store, log, summary)
    }
}
