import TokenBoardCore

/// Several logs read one after another as one stream of events, with the counts a command reports.
///
/// Every file is checked (`LogOpener.source(for:)`) when the chain is made, so a file that cannot be read as
/// asked stops a command before it has done anything; each is then opened only when its turn comes and closed
/// when it is done, so thousands of small session logs cost one open file at a time.
public final class LogChain {
    /// The logs, in reading order.
    public let sources: [LogSource]
    /// Their sizes added up, for progress.
    public let totalBytes: Int64
    /// Events handed out so far.
    public private(set) var events = 0

    private let opener: LogOpener
    private var index = 0
    private var current: (any UsageLogReader)?
    private var finishedBytes: Int64 = 0
    private var finished = Counts()
    private var recordedErrors: [LogLineError] = []

    /// Checks every log of `paths` with `opener`.
    public init(paths: [String], opener: LogOpener) throws {
        self.opener = opener
        sources = try paths.map { try opener.source(for: $0) }
        totalBytes = sources.reduce(0) { $0 + $1.size }
    }

    /// Appends up to `max` events; false once every log is exhausted. Throws what the readers throw.
    public func next(into events: inout [UsageEvent], max: Int) throws -> Bool {
        while index < sources.count {
            let reader: any UsageLogReader
            if let current {
                reader = current
            } else {
                reader = try opener.open(sources[index])
                current = reader
            }
            let before = events.count
            if try reader.next(into: &events, max: max) {
                self.events += events.count - before
                return true
            }
            finish(reader)
        }
        return false
    }

    /// Bytes of the logs consumed so far.
    public var position: Int64 { finishedBytes + (current?.bytesRead ?? 0) }

    /// Lines (binary: records) read so far.
    public var linesRead: Int { finished.lines + (current?.linesRead ?? 0) }
    /// Bad lines (binary: damaged blocks) so far.
    public var badLines: Int { finished.bad + (current?.badLines ?? 0) }
    /// Lines skipped so far: blank, without usage, or duplicate copies.
    public var skippedLines: Int { finished.skipped + (current?.skippedLines ?? 0) }
    /// The first bad records, in reading order, at most `LogLineError.maxRecordedPerReader` of them.
    public var firstErrors: [LogLineError] {
        let limit = LogLineError.maxRecordedPerReader
        guard let current, recordedErrors.count < limit else { return recordedErrors }
        return recordedErrors + current.firstErrors.prefix(limit - recordedErrors.count)
    }

    /// Stops early: closes the log being read, and `next` then reports the end.
    public func close() {
        if let current { finish(current) }
        index = sources.count
    }

    private func finish(_ reader: any UsageLogReader) {
        reader.close()
        finished.lines += reader.linesRead
        finished.bad += reader.badLines
        finished.skipped += reader.skippedLines
        let room = LogLineError.maxRecordedPerReader - recordedErrors.count
        if room > 0 { recordedErrors += reader.firstErrors.prefix(room) }
        finishedBytes += sources[index].size
        current = nil
        index += 1
    }

    private struct Counts {
        var lines = 0
        var bad = 0
        var skipped = 0
    }
}
