import TokenBoardCore

/// A cursor over one usage log in any format (`LogFormat`), handing out canonical events in chunks.
///
/// Every format reads the same way: `while try reader.next(into: &chunk, max: n) { …; chunk.removeAll() }` sees
/// every event. Bad records are counted and the first `maxRecordedErrors` kept; in strict mode the first one is
/// thrown instead. `LogOpener` opens a file in its detected or chosen format. A reader is not safe to share between
/// threads.
public protocol UsageLogReader: AnyObject {
    /// The log's path, as given.
    var path: String { get }
    /// The format the reader decodes.
    var format: LogFormat { get }
    /// Whether the first bad record throws (true) or is counted and skipped (false).
    var strict: Bool { get }
    /// The file's size when it was opened, for progress reports.
    var fileSize: Int64 { get }
    /// Bytes read from the file so far.
    var bytesRead: Int64 { get }
    /// Lines consumed so far, blank and bad lines included; for a binary log, records decoded.
    var linesRead: Int { get }
    /// Lines that were not valid records; for a binary log, damaged blocks.
    var badLines: Int { get }
    /// Lines read that are neither events nor errors: blank lines, Claude Code lines without usage and the extra
    /// copies of a response, OpenAI records without usage. A text log's `linesRead` is its events plus
    /// `skippedLines` plus `badLines`.
    var skippedLines: Int { get }
    /// The first `maxRecordedErrors` bad records, in file order.
    var firstErrors: [LogLineError] { get }

    /// Appends up to `max` events to `events`. Returns true when it appended at least one and false once the file
    /// is exhausted. In strict mode a bad record throws its `LogLineError` (events appended before it in this call
    /// stay appended, and reading may continue after it); a read error throws `LogFileError`.
    func next(into events: inout [UsageEvent], max: Int) throws -> Bool

    /// Replaces `batch` with up to `max` (at most 65,536) events in batch form, the form the replayer partitions
    /// and sends. Returns true when the batch holds at least one event and false once the file is exhausted.
    /// Errors as `next`; in strict mode the events read before the bad record are left in `batch`. A binary log
    /// hands out its blocks' tables as they are; other formats build the tables from parsed events.
    func nextBatch(into batch: inout EventBatch, max: Int) throws -> Bool

    /// Replaces `scanned` with up to `max` (at most 65,536) events as read, their names not yet interned: the first
    /// half of `nextBatch`, for a reading thread that hands the second (`EventBatchBuilder.append(contentsOf:)`)
    /// to another. Returns and throws as `nextBatch`; it may return fewer than `max` events before the file ends
    /// (at `ScannedEvents.byteBudget`).
    func nextScanned(into scanned: inout ScannedEvents, max: Int) throws -> Bool

    /// Closes the file early; `next` then reports the end of the file.
    func close()
}

extension UsageLogReader {
    /// Parses up to `max` events with `next` and interns their strings into one batch.
    public func nextBatch(into batch: inout EventBatch, max: Int) throws -> Bool {
        precondition(max > 0 && max <= EventBatch.maxConvertedEvents, "max must be 1 to 65,536")
        var events: [UsageEvent] = []
        events.reserveCapacity(max)
        do {
            let more = try next(into: &events, max: max)
            batch = EventBatch(converting: events)
            return more
        } catch {
            batch = EventBatch(converting: events)
            throw error
        }
    }
}

extension UsageLogReader {
    /// Parses up to `max` events with `next` and keeps them as scanned.
    public func nextScanned(into scanned: inout ScannedEvents, max: Int) throws -> Bool {
        precondition(max > 0 && max <= EventBatch.maxConvertedEvents, "max must be 1 to 65,536")
        var events: [UsageEvent] = []
        events.reserveCapacity(max)
        var sink = ScannedEvents()
        defer {
            for event in events { sink.append(event) }
            scanned = sink
        }
        return try next(into: &events, max: max)
    }
}

extension UsageLogReader {
    /// How many bad records a reader keeps in `firstErrors`.
    public static var maxRecordedErrors: Int { LogLineError.maxRecordedPerReader }
}

extension LogLineError {
    /// How many bad records a reader (or a chain of them) keeps for its report.
    public static let maxRecordedPerReader = 100
}
