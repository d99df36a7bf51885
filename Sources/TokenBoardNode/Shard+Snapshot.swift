import Foundation
import TokenBoardCore

/// What one snapshot wrote.
public struct SnapshotSummary: Sendable, Hashable {
    /// The last log segment the snapshot includes; it and every earlier one were deleted.
    public var coveredSegment: UInt64
    public var fileBytes: Int64
    public var employees: Int
    public var events: UInt64
    /// Batches applied when the state was captured (to tell whether a later snapshot would hold anything new).
    public var batches: UInt64
    public var createdMillis: Int64
    public var elapsed: Duration
}

extension Shard {
    /// Batches applied so far; a snapshot is worth writing only when this moved.
    public var appliedBatches: UInt64 { withStore { $0.batchCount } }

    /// Writes a snapshot of the shard and deletes the log segments it covers; nil for a shard without a data
    /// directory. Ingest goes on meanwhile: the state is captured and the log rotated in one step under the store
    /// lock (a copy-on-write copy, no encoding), and the encoding and writing happen outside it.
    public func writeSnapshot() throws -> SnapshotSummary? {
        guard let log else { return nil }
        return try snapshotInProgress.withLock { _ in
            let clock = ContinuousClock()
            let started = clock.now
            let (state, covered) = try withStore { store in (store, try log.rotate()) }
            try log.releaseRetiredSegments()
            let created = Shard.wallClockMillis()
            let fileBytes = try SnapshotFile.write(
                body: state.snapshot(),
                coveredSegment: covered,
                createdMillis: created,
                directory: log.directory
            )
            log.removeSegments(through: covered)
            // Encoding read every past page.
            noteSpilledPagesTouched()
            snapshotMillis.withLock { $0 = created }
            return SnapshotSummary(
                coveredSegment: covered,
                fileBytes: fileBytes,
                employees: state.employeeCount,
                events: state.eventCount,
                batches: state.batchCount,
                createdMillis: created,
                elapsed: clock.now - started
            )
        }
    }
}
