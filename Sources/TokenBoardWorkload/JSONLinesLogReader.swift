import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a log of one JSON object per line in large chunks and hands each line to a format's `JSONLineDecoder`.
///
/// Bad lines are counted and the first `maxRecordedErrors` kept; in strict mode the first one is thrown instead.
/// Memory is bounded by the chunk size plus the longest accepted line (plus what the decoder holds), whatever the
/// file holds: a line longer than `maxLineLength` is skipped as a bad line without being buffered whole.
///
/// A reader is a single cursor over a file and is not safe to share between threads.
public final class JSONLinesLogReader<Decoder: JSONLineDecoder>: UsageLogReader {
    /// Bytes asked of the file per read.
    public static var defaultChunkSize: Int { 4 << 20 }
    /// The longest line accepted, in bytes excluding the newline.
    public static var defaultMaxLineLength: Int { 1 << 20 }

    public let path: String
    public let strict: Bool
    public let fileSize: Int64
    public private(set) var bytesRead: Int64 = 0
    public private(set) var linesRead = 0
    public private(set) var badLines = 0
    public private(set) var skippedLines = 0
    public private(set) var firstErrors: [LogLineError] = []
    public var format: LogFormat { Decoder.format }

    /// The format's decoder, with whatever it has learnt of the file so far; nil only while `decodeLines` holds it.
    private var decoder: Decoder?
    private var fd: Int32
    private let chunkSize: Int
    private let maxLineLength: Int
    private let capacity: Int
    /// Allocated at the first read and freed at the end of the file, so that many readers opened ahead of
    /// their turn (a replay of many files) hold no memory until then.
    private var buffer: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)
    private var allocated = false
    /// The first byte not yet consumed.
    private var start = 0
    /// One past the last byte read.
    private var end = 0
    /// Where the search for the next newline resumes, so a long partial line is not rescanned after every read.
    private var scanFrom = 0
    /// Discarding the rest of an over-long line, already counted as bad.
    private var skipping = false
    private var reachedEOF = false
    /// Closed early: what the decoder holds is dropped too.
    private var closed = false
    /// The bytes of names per event of the last `nextScanned`, for the next one's room.
    private var scannedBytesPerEvent = 0

    /// Opens a log for reading with `decoder`; a custom chunk size and line limit let tests put chunk boundaries
    /// mid-line.
    public init(
        path: String,
        strict: Bool,
        decoder: Decoder,
        chunkSize: Int = defaultChunkSize,
        maxLineLength: Int = defaultMaxLineLength
    ) throws(LogFileError) {
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
        self.decoder = decoder
        self.fileSize = Int64(info.st_size)
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        // Room for the longest acceptable partial line, its newline and one more chunk after compaction.
        self.capacity = maxLineLength + 1 + chunkSize
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
        buffer.deallocate()
    }

    public func close() {
        if fd >= 0 { _ = closeDescriptor(fd) }
        fd = -1
        closed = true
        reachedEOF = true
        release()
    }

    /// Frees the buffer once nothing is left in it.
    private func release() {
        start = 0
        end = 0
        scanFrom = 0
        guard allocated else { return }
        buffer.deallocate()
        buffer = .allocate(capacity: 1)
        allocated = false
    }

    public func next(into events: inout [UsageEvent], max: Int) throws -> Bool {
        try decodeLines(into: &events, max: max)
    }

    /// Builds the batch straight from the lines (`JSONLineDecoder.decode(_:into:)` for a builder), without an array
    /// of events in between.
    // Specialised for the canonical parser, which a replay reaches through `any UsageLogReader`: the generic body
    // reaches the decoder and the builder through witness tables on every line (316 against 322 ns per event).
    @_specialize(where Decoder == CanonicalLineParser)
    public func nextBatch(into batch: inout EventBatch, max: Int) throws -> Bool {
        precondition(max > 0 && max <= EventBatch.maxConvertedEvents, "max must be 1 to 65,536")
        var builder = EventBatchBuilder()
        builder.reserve(max)
        // In strict mode the events read before a bad line are handed out with the error, as `next` leaves them.
        defer { batch = builder.batch }
        return try decodeLines(into: &builder, max: max)
    }

    /// Scans the lines into `scanned` (`JSONLineDecoder.decode(_:into:)` for scanned events), with no array of
    /// events in between.
    // Specialised as `nextBatch` is, and for the same reason.
    @_specialize(where Decoder == CanonicalLineParser)
    public func nextScanned(into scanned: inout ScannedEvents, max: Int) throws -> Bool {
        precondition(max > 0 && max <= EventBatch.maxConvertedEvents, "max must be 1 to 65,536")
        var sink = ScannedEvents()
        // Room for as many bytes of names per event as the last chunk had, and an eighth more.
        sink.reserve(max, byteCount: max * (scannedBytesPerEvent + scannedBytesPerEvent >> 3))
        // In strict mode the events read before a bad line are handed out with the error, as `next` leaves them.
        defer {
            if sink.count > 0 { scannedBytesPerEvent = sink.byteCount / sink.count }
            scanned = sink
        }
        return try decodeLines(into: &sink, max: max)
    }

    /// Decodes lines into `events` until it holds `max` more events, it is full or the file ends; see `next`.
    private func decodeLines<Sink: DecodedEventSink>(into events: inout Sink, max: Int) throws -> Bool {
        precondition(max > 0, "max must be positive")
        // The decoder is moved out and worked on as a local: handed `inout` from a class's property per line, each
        // call would be checked at run time for overlapping access. Moved, not copied, so that what it holds stays
        // uniquely referenced and is not copied on its first change.
        guard var decoder = self.decoder.take() else { preconditionFailure("decodeLines entered twice") }
        defer { self.decoder = decoder }
        let before = events.eventCount
        while events.eventCount - before < max && !events.isFull {
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
                } else {
                    try decodeLine(from: lineStart, to: lineEnd, into: &events, with: &decoder)
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
                    try decodeLine(from: lineStart, to: end, into: &events, with: &decoder)
                    continue
                }
                skipping = false
                // What the decoder still holds (responses waiting for their last copy) comes out last.
                release()
                if fd >= 0 {
                    _ = closeDescriptor(fd)
                    fd = -1
                }
                if closed || events.drain(&decoder, max: max - (events.eventCount - before)) == 0 { break }
                continue
            }
            try fill()
        }
        return events.eventCount > before
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
        if !allocated {
            buffer.deallocate()
            buffer = .allocate(capacity: capacity)
            allocated = true
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

    @inline(__always) private func decodeLine<Sink: DecodedEventSink>(
        from lineStart: Int,
        to lineEnd: Int,
        into events: inout Sink,
        with decoder: inout Decoder
    ) throws {
        let line = UnsafeRawBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart)
        do {
            if try events.decode(line, with: &decoder) == .skipped { skippedLines += 1 }
        } catch {
            try refuse(error)
        }
    }

    private func refuse(_ reason: LogLineError.Reason) throws {
        badLines += 1
        let error = LogLineError(file: path, line: linesRead, kind: reason)
        if firstErrors.count < Self.maxRecordedErrors { firstErrors.append(error) }
        if strict { throw error }
    }
}

/// The canonical JSONL log (docs/LOG-FORMAT.md).
public typealias CanonicalLogReader = JSONLinesLogReader<CanonicalLineParser>

extension JSONLinesLogReader where Decoder == CanonicalLineParser {
    /// Opens a canonical log for reading.
    public convenience init(path: String, strict: Bool = false) throws(LogFileError) {
        try self.init(path: path, strict: strict, decoder: CanonicalLineParser())
    }

    /// Opens a canonical log with a custom chunk size and line limit.
    convenience init(path: String, strict: Bool, chunkSize: Int, maxLineLength: Int) throws(LogFileError) {
        try self.init(
            path: path,
            strict: strict,
            decoder: CanonicalLineParser(),
            chunkSize: chunkSize,
            maxLineLength: maxLineLength
        )
    }
}
