import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a canonical JSONL log (docs/LOG-FORMAT.md) in large chunks and parses it into events.
///
/// Bad lines are counted and the first `maxRecordedErrors` kept; in strict mode the first one is thrown instead.
/// Memory is bounded by the chunk size plus the longest accepted line, whatever the file holds: a line longer
/// than `maxLineLength` is skipped as a bad line without being buffered whole.
///
/// A reader is a single cursor over a file and is not safe to share between threads.
public final class CanonicalLogReader {
    /// Bytes asked of the file per read.
    public static let defaultChunkSize = 4 << 20
    /// The longest line accepted, in bytes excluding the newline.
    public static let defaultMaxLineLength = 1 << 20
    /// How many bad lines `firstErrors` keeps.
    public static let maxRecordedErrors = 100

    /// The log's path, as given.
    public let path: String
    /// Whether the first bad line throws (true) or is counted and skipped (false).
    public let strict: Bool
    /// The file's size when it was opened, for progress reports.
    public let fileSize: Int64
    /// Bytes read from the file so far.
    public private(set) var bytesRead: Int64 = 0
    /// Lines consumed so far, blank and bad lines included.
    public private(set) var linesRead = 0
    /// Lines that were not valid events.
    public private(set) var badLines = 0
    /// The first `maxRecordedErrors` bad lines, in file order.
    public private(set) var firstErrors: [LogLineError] = []

    private var fd: Int32
    private let chunkSize: Int
    private let maxLineLength: Int
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    /// The first byte not yet consumed.
    private var start = 0
    /// One past the last byte read.
    private var end = 0
    /// Where the search for the next newline resumes, so a long partial line is not rescanned after every read.
    private var scanFrom = 0
    /// Discarding the rest of an over-long line, already counted as bad.
    private var skipping = false
    private var reachedEOF = false
    private var parser = CanonicalLineParser()

    /// Opens a log for reading.
    public convenience init(path: String, strict: Bool = false) throws(LogFileError) {
        try self.init(
            path: path,
            strict: strict,
            chunkSize: Self.defaultChunkSize,
            maxLineLength: Self.defaultMaxLineLength
        )
    }

    /// Opens a log with a custom chunk size and line limit; tests use tiny ones to put chunk boundaries mid-line.
    init(path: String, strict: Bool, chunkSize: Int, maxLineLength: Int) throws(LogFileError) {
        precondition(chunkSize > 0 && maxLineLength > 0)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = closeDescriptor(fd)
            throw LogFileError(path: path, operation: "stat", code: code)
        }
        self.fd = fd
        self.path = path
        self.strict = strict
        self.fileSize = Int64(info.st_size)
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        // Room for the longest acceptable partial line, its newline and one more chunk after compaction.
        self.capacity = maxLineLength + 1 + chunkSize
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
        buffer.deallocate()
    }

    /// Closes the file early; `next` then reports the end of the file.
    public func close() {
        if fd >= 0 { _ = closeDescriptor(fd) }
        fd = -1
        reachedEOF = true
        start = 0
        end = 0
        scanFrom = 0
    }

    /// Appends up to `max` events to `events`. Returns true when it appended at least one and false once the file
    /// is exhausted, so `while try reader.next(into: &batch, max: n) { …; batch.removeAll(keepingCapacity: true) }`
    /// sees every event. In strict mode a bad line throws its `LogLineError` (events appended before it in this
    /// call stay appended, and reading may continue after it); a read error throws `LogFileError`.
    public func next(into events: inout [UsageEvent], max: Int) throws -> Bool {
        precondition(max > 0, "max must be positive")
        var appended = 0
        while appended < max {
            if let newline = memchr(buffer + scanFrom, 0x0A, end - scanFrom) {
                let lineEnd = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                let lineStart = start
                start = lineEnd + 1
                scanFrom = start
                if skipping {
                    skipping = false
                    continue
                }
                linesRead += 1
                if lineEnd - lineStart > maxLineLength {
                    try refuse(.lineTooLong(limit: maxLineLength))
                } else if try parseLine(from: lineStart, to: lineEnd, into: &events) {
                    appended += 1
                }
                continue
            }
            if skipping {
                start = end
            } else if end - start > maxLineLength {
                linesRead += 1
                start = end
                skipping = true
                scanFrom = end
                try refuse(.lineTooLong(limit: maxLineLength))
            }
            scanFrom = end
            if reachedEOF {
                // A last line without a newline is still a line.
                if !skipping && start < end {
                    let lineStart = start
                    start = end
                    linesRead += 1
                    if try parseLine(from: lineStart, to: end, into: &events) { appended += 1 }
                    continue
                }
                skipping = false
                break
            }
            try fill()
        }
        return appended > 0
    }

    /// Moves the partial line to the front of the buffer and reads the next chunk after it.
    private func fill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            end = pending
            scanFrom -= start
            start = 0
        }
        guard fd >= 0 else {
            reachedEOF = true
            return
        }
        while true {
            let n = read(fd, buffer + end, min(chunkSize, capacity - end))
            if n > 0 {
                end += n
                bytesRead += Int64(n)
                return
            }
            if n == 0 {
                reachedEOF = true
                return
            }
            if errno != EINTR { throw LogFileError(path: path, operation: "read", code: errno) }
        }
    }

    private func parseLine(from lineStart: Int, to lineEnd: Int, into events: inout [UsageEvent]) throws -> Bool {
        let line = UnsafeRawBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart)
        do {
            guard let event = try parser.parse(line) else { return false }
            events.append(event)
            return true
        } catch {
            try refuse(error)
            return false
        }
    }

    private func refuse(_ reason: LogLineError.Reason) throws {
        badLines += 1
        let error = LogLineError(file: path, line: linesRead, kind: reason)
        if firstErrors.count < Self.maxRecordedErrors { firstErrors.append(error) }
        if strict { throw error }
    }
}
