import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes events as canonical JSONL (docs/LOG-FORMAT.md), one line each, through a large buffer.
///
/// Every field is written, in a fixed order, with strings escaped as JSON requires, so the output is read back
/// identically by `CanonicalLineParser` and by any JSON parser. Timestamps are `YYYY-MM-DDTHH:MM:SS.mmmZ`, or
/// integer milliseconds for the rare instant whose year has no four-digit form.
///
/// Copies share one file and buffer. Call `close()` to learn of write errors; a writer dropped without it still
/// flushes and closes its file, but cannot report a failure.
public struct CanonicalLogWriter {
    /// The default buffer size, 1 MiB.
    public static let defaultBufferSize = 1 << 20

    private let sink: Sink

    /// Creates (or truncates) the file at `path`.
    public init(path: String, bufferSize: Int = Self.defaultBufferSize) throws(LogFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        sink = Sink(fd: fd, path: path, capacity: max(bufferSize, 4096))
    }

    /// The file's path.
    public var path: String { sink.path }

    /// Bytes handed to the file so far, plus those still buffered.
    public var bytesWritten: Int64 { sink.flushed + Int64(sink.used) }

    /// Appends one event as a line.
    public mutating func write(_ event: UsageEvent) throws(LogFileError) {
        try sink.write(event)
    }

    /// Hands everything buffered to the file.
    public mutating func flush() throws(LogFileError) {
        try sink.flush()
    }

    /// Flushes and closes the file. Further writes fail.
    public mutating func close() throws(LogFileError) {
        try sink.close()
    }
}

/// The file and buffer behind a `CanonicalLogWriter`.
private final class Sink {
    let path: String
    var fd: Int32
    let capacity: Int
    let buffer: UnsafeMutablePointer<UInt8>
    var used = 0
    var flushed: Int64 = 0
    var dates = FormattedDate()

    init(fd: Int32, path: String, capacity: Int) {
        self.fd = fd
        self.path = path
        self.capacity = capacity
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 {
            try? flush()
            _ = closeDescriptor(fd)
        }
        buffer.deallocate()
    }

    func close() throws(LogFileError) {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        try flush()
        if closeDescriptor(fd) != 0 { throw LogFileError(path: path, operation: "close", code: errno) }
    }

    func flush() throws(LogFileError) {
        guard fd >= 0 else { throw LogFileError(path: path, operation: "write", code: EBADF) }
        var offset = 0
        while offset < used {
            let n = writeDescriptor(fd, buffer + offset, used - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogFileError(path: path, operation: "write", code: errno)
            }
            offset += n
        }
        flushed += Int64(used)
        used = 0
    }

    @inline(__always) func reserve(_ n: Int) throws(LogFileError) {
        if capacity - used < n { try flush() }
    }

    @inline(__always) func put(_ literal: StaticString) throws(LogFileError) {
        let n = literal.utf8CodeUnitCount
        try reserve(n)
        (buffer + used).update(from: literal.utf8Start, count: n)
        used += n
    }

    func put(_ value: UInt64) throws(LogFileError) {
        try reserve(20)
        // Digits are produced from the right, two at a time, into the space after the buffered bytes, then moved
        // into place; the buffer always has 20 bytes to spare here.
        let count = Self.digitCount(value)
        var v = value
        var at = buffer + used + count
        while v >= 100 {
            let pair = Int(v % 100)
            v /= 100
            at -= 2
            at[0] = Self.digitPairs[pair &* 2]
            at[1] = Self.digitPairs[pair &* 2 &+ 1]
        }
        if v >= 10 {
            at -= 2
            at[0] = Self.digitPairs[Int(v) &* 2]
            at[1] = Self.digitPairs[Int(v) &* 2 &+ 1]
        } else {
            at -= 1
            at[0] = UInt8(truncatingIfNeeded: 48 &+ v)
        }
        used += count
    }

    /// "00", "01", … "99" back to back.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for value in 0..<100 {
            pairs.append(UInt8(48 + value / 10))
            pairs.append(UInt8(48 + value % 10))
        }
        return pairs
    }()

    private static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var limit: UInt64 = 10
        while count < 20 && value >= limit {
            count += 1
            limit = limit &* 10
        }
        return count
    }

    func put(_ value: Int64) throws(LogFileError) {
        if value < 0 {
            try reserve(1)
            buffer[used] = UInt8(ascii: "-")
            used += 1
        }
        try put(value.magnitude)
    }

    /// Writes a JSON string with its quotes, escaping quotes, backslashes and control characters; everything else
    /// (valid UTF-8, since it comes from a `String`) is copied as is.
    func putQuoted(_ string: String) throws(LogFileError) {
        var copy = string
        // `withUTF8` only rethrows untyped errors, so the typed one travels out in a `Result`.
        let result = copy.withUTF8 { utf8 -> Result<Void, LogFileError> in
            do throws(LogFileError) {
                try putQuoted(utf8)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    private func putQuoted(_ utf8: UnsafeBufferPointer<UInt8>) throws(LogFileError) {
        // Worst case: every byte becomes \u00XX.
        let worst = 2 + 6 * utf8.count
        try reserve(worst)
        guard capacity - used >= worst else {
            try putQuotedSlowly(utf8)
            return
        }
        var out = buffer + used
        out.pointee = 0x22
        out += 1
        let n = utf8.count
        var i = 0
        if let base = utf8.baseAddress {
            // Eight bytes at a time while none needs escaping: no quote, backslash or control character. (The
            // high bit of a flag byte marks such a byte, or one above it; UTF-8 lead and continuation bytes never
            // raise it.)
            while n - i >= 8 {
                let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let quote = w ^ 0x2222_2222_2222_2222
                let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let flags =
                    ((quote &- 0x0101_0101_0101_0101) & ~quote) | ((backslash &- 0x0101_0101_0101_0101) & ~backslash)
                    | ((w &- 0x2020_2020_2020_2020) & ~w)
                guard flags & 0x8080_8080_8080_8080 == 0 else { break }
                UnsafeMutableRawPointer(out).storeBytes(of: w.littleEndian, as: UInt64.self)
                out += 8
                i += 8
            }
        }
        while i < n {
            let b = utf8[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                out.pointee = b
                out += 1
            } else {
                out += Self.escape(b, into: out)
            }
            i += 1
        }
        out.pointee = 0x22
        out += 1
        used = buffer.distance(to: out)
    }

    /// For strings too long to escape into an empty buffer at once.
    private func putQuotedSlowly(_ utf8: UnsafeBufferPointer<UInt8>) throws(LogFileError) {
        try put("\"")
        for b in utf8 {
            try reserve(6)
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                buffer[used] = b
                used += 1
            } else {
                used += Self.escape(b, into: buffer + used)
            }
        }
        try put("\"")
    }

    /// Writes the escape for `b` (a quote, a backslash or a control character) and returns its length.
    private static func escape(_ b: UInt8, into out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = 0x5C
        switch b {
        case 0x22, 0x5C:
            out[1] = b
            return 2
        case 0x08:
            out[1] = UInt8(ascii: "b")
            return 2
        case 0x0C:
            out[1] = UInt8(ascii: "f")
            return 2
        case 0x0A:
            out[1] = UInt8(ascii: "n")
            return 2
        case 0x0D:
            out[1] = UInt8(ascii: "r")
            return 2
        case 0x09:
            out[1] = UInt8(ascii: "t")
            return 2
        default:
            let hex: StaticString = "0123456789abcdef"
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = hex.utf8Start[Int(b >> 4)]
            out[5] = hex.utf8Start[Int(b & 0xF)]
            return 6
        }
    }

    func write(_ event: UsageEvent) throws(LogFileError) {
        guard fd >= 0 else { throw LogFileError(path: path, operation: "write", code: EBADF) }
        try put("{\"id\":")
        try putQuoted(event.id)
        try put(",\"ts\":")
        try reserve(RFC3339.formattedLength + 2)
        buffer[used] = 0x22
        if RFC3339.format(event.timestampMillis, into: buffer + used + 1, dates: &dates) {
            buffer[used + 1 + RFC3339.formattedLength] = 0x22
            used += RFC3339.formattedLength + 2
        } else {
            try put(event.timestampMillis)
        }
        try put(",\"employee\":")
        try putQuoted(event.employee)
        try put(",\"model\":")
        try putQuoted(event.model)
        try put(",\"tool\":")
        try putQuoted(event.tool)
        try put(",\"session\":")
        try putQuoted(event.session)
        try put(",\"input\":")
        try put(event.counts.input)
        try put(",\"output\":")
        try put(event.counts.output)
        try put(",\"cache_write\":")
        try put(event.counts.cacheWrite)
        try put(",\"cache_read\":")
        try put(event.counts.cacheRead)
        try put("}\n")
    }
}
