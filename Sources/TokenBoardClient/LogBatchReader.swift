import TokenBoardCore
import TokenBoardWorkload

/// The events of a list of logs, in order, as `EventBatch`es of up to 65,536 events read ahead of the consumer:
/// what `tokenboard replay` sends. The readers belong to the reading threads from `init` until `stop()`.
///
/// A text log is read on two threads: one reads and parses the lines into `ScannedEvents`
/// (`UsageLogReader.nextScanned`), the other interns their names into a batch
/// (`EventBatchBuilder.append(contentsOf:)`). Why: a JSONL replay is bound by its reading, which shares the cores
/// with the workers on a machine that runs both; on one thread, interning was a third of that thread's time, and
/// a core idled 10–20% of a replay while the workers waited for batches (docs/BENCHMARKS.md, fifteenth session).
/// A binary log's blocks are batches already and are read on one thread (`UsageLogReader.nextBatch`).
public final class LogBatchReader: @unchecked Sendable {
    /// The readers and how far through them the reading thread is: touched only by that thread until `stop()`.
    private final class Cursor: @unchecked Sendable {
        let readers: [any UsageLogReader]
        var current = 0
        /// The sizes of the logs read to the end.
        var doneBytes: Int64 = 0

        init(_ readers: [any UsageLogReader]) { self.readers = readers }

        /// Fills `chunk` from the current log with `read`, moving to the next log at each one's end.
        func read<Chunk>(
            into chunk: inout Chunk,
            _ read: (any UsageLogReader, inout Chunk) throws -> Bool
        ) throws -> (more: Bool, position: Int64) {
            while current < readers.count {
                if try read(readers[current], &chunk) { return (true, doneBytes + readers[current].bytesRead) }
                doneBytes += readers[current].fileSize
                readers[current].close()
                current += 1
            }
            return (false, doneBytes)
        }
    }

    /// The lines scanned, on their thread; nil when a log is read on one thread.
    private let scanning: PrefetchingSource<ScannedEvents>?
    private let batches: PrefetchingSource<EventBatch>

    /// Starts reading `readers` in order, on two threads when every log is text (see the type's comment).
    public init(readers: [any UsageLogReader]) {
        let cursor = Cursor(readers)
        let max = EventBatch.maxConvertedEvents
        guard readers.allSatisfy({ $0.format != .binary }) else {
            scanning = nil
            batches = PrefetchingSource<EventBatch> { batch in
                try cursor.read(into: &batch) { try $0.nextBatch(into: &$1, max: max) }
            }
            return
        }
        let scanning = PrefetchingSource<ScannedEvents>(depth: 4, empty: { ScannedEvents() }, isEmpty: \.isEmpty) {
            scanned in
            try cursor.read(into: &scanned) { try $0.nextScanned(into: &$1, max: max) }
        }
        self.scanning = scanning
        // One builder for every batch: its interning tables keep their size from one batch to the next.
        var builder = EventBatchBuilder()
        batches = PrefetchingSource<EventBatch> { batch in
            guard let scanned = try scanning.next() else { return (false, scanning.position) }
            builder.reserve(scanned.count)
            let appended = builder.append(contentsOf: scanned)
            // At most 65,536 events, so at most as many models and tools: a batch's tables hold them all.
            precondition(appended == scanned.count, "a batch of at most 65,536 events takes them all")
            batch = builder.take()
            return (true, scanning.position)
        }
    }

    /// The next batch (waiting for it); nil once every log is read. Rethrows a reader's error, after the batch of
    /// the events read before it.
    public func next() throws -> EventBatch? {
        try batches.next()
    }

    /// How far through the logs (bytes, all logs together) the batches handed out so far reach, about.
    public var position: Int64 { batches.position }

    /// Stops the reading threads after their current chunks, without waiting for them.
    public func cancel() {
        batches.cancel()
        scanning?.cancel()
    }

    /// Stops the reading threads and waits until they have let go of the readers, which the caller may then read
    /// (their counts of bad lines) although it stopped early.
    public func stop() {
        batches.cancel()
        scanning?.stop()
        batches.stop()
    }
}
