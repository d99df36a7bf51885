import Foundation
import NIOCore
import TokenBoardCore
import TokenBoardWire

#if canImport(Glibc)
    import Glibc
#endif

/// When the write-ahead log is flushed to stable storage.
public enum SyncPolicy: Sendable, Hashable, CustomStringConvertible {
    /// fdatasync after every batch, before its acknowledgement: nothing acknowledged is lost on power failure.
    case always
    /// fdatasync at most this often (group commit): a killed process loses nothing (the kernel has the bytes);
    /// a power failure can lose the batches acknowledged within the last interval.
    case interval(Duration)
    /// Never fdatasync; the kernel writes back when it likes (about 30 s on Linux): a killed process loses
    /// nothing, a power failure can lose the last half minute or more.
    case never

    /// Parses `always`, `interval` (10 ms), `interval:25ms`, or `never`.
    public init?(_ text: String) {
        switch text {
        case "always": self = .always
        case "never": self = .never
        case "interval": self = .interval(.milliseconds(10))
        default:
            guard text.hasPrefix("interval:"), text.hasSuffix("ms"),
                let ms = Int(text.dropFirst("interval:".count).dropLast(2)), (1...10_000).contains(ms)
            else { return nil }
            self = .interval(.milliseconds(ms))
        }
    }

    public var description: String {
        switch self {
        case .always: return "always"
        case .never: return "never"
        case .interval(let d):
            return "interval:\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)ms"
        }
    }
}

/// What start-up found in the log.
public struct RecoveryReport: Sendable, Hashable {
    public var records: Int
    public var events: Int
    public var bytes: Int64
    /// Bytes of an incomplete last record (a write cut short by a crash) that were cut off.
    public var truncatedTailBytes: Int64
    public var elapsed: Duration
}

/// A worker's write-ahead log: one file of ingest batches, each stored as a protocol frame (magic, lengths,
/// CRC-32C, LZ4 above 1 KiB) so the wire codec is also the log codec. A batch is appended (and, under
/// `.always`, synced) before it is applied and acknowledged; start-up replays the file.
public final class WriteAheadLog: @unchecked Sendable {
    /// Raised at start-up when the log is damaged anywhere but in its last record, and when appending fails.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    public let policy: SyncPolicy
    private let fd: Int32
    private let lock = NSLock()
    private var size: Int64
    private var dirty = false

    /// The log file in `directory` (created if missing).
    public static func path(in directory: String) -> String { directory + "/ingest.wal" }

    /// Opens (creating) the log for appending at its current end. Call `replay` first.
    public init(directory: String, policy: SyncPolicy) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create data directory \(directory): \(error.localizedDescription)")
        }
        path = Self.path(in: directory)
        self.policy = policy
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        size = Int64(lseek(fd, 0, SEEK_END))
    }

    deinit { close(fd) }

    /// Bytes in the log.
    public var byteCount: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return size
    }

    /// The log record of an ingest request, from the request's encoded payload (as it arrived in its frame, so
    /// nothing is encoded twice). Build it before taking any lock: it checksums and compresses.
    public static func record(ofIngestPayload payload: ByteBuffer) throws -> ByteBuffer {
        var record = ByteBuffer()
        try FrameEncoder.encode(
            Frame(typeCode: MessageType.ingest.rawValue, requestID: 0, payload: payload),
            into: &record
        )
        return record
    }

    /// The log record of an ingest request.
    public static func record(of request: IngestRequest) throws -> ByteBuffer {
        try record(ofIngestPayload: Frame(request, requestID: 0).payload)
    }

    /// Appends one record (see `record(of:)`). On any failure the file is cut back to where it was, so a failed
    /// append leaves no partial record behind, and the error says why (disk full, read-only file system).
    public func append(_ record: ByteBuffer) throws {
        lock.lock()
        defer { lock.unlock() }
        let start = size
        var failure: Int32 = 0
        record.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, case .always = policy, fdatasync(fd) != 0 { failure = errno }
        if failure != 0 {
            _ = ftruncate(fd, off_t(start))
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
        size = start + Int64(record.readableBytes)
        dirty = true
    }

    /// Flushes appended batches to stable storage if any are waiting (the interval policy's group commit).
    public func sync() throws {
        lock.lock()
        defer { lock.unlock() }
        guard dirty else { return }
        guard fdatasync(fd) == 0 else {
            throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        dirty = false
    }

    /// Reads every record of the log in `directory` in order and hands it to `apply`. An incomplete last
    /// record (a crash mid-write) is reported and cut off; a damaged record anywhere else stops start-up with
    /// an error naming the file and offset, never a silent skip.
    public static func replay(
        directory: String,
        apply: (IngestRequest) throws -> Void
    ) throws -> RecoveryReport {
        let clock = ContinuousClock()
        let started = clock.now
        let path = Self.path(in: directory)
        var report = RecoveryReport(records: 0, events: 0, bytes: 0, truncatedTailBytes: 0, elapsed: .zero)
        guard let handle = FileHandle(forReadingAtPath: path) else { return report }
        defer { try? handle.close() }
        let fileSize = Int64((try? handle.seekToEnd()) ?? 0)
        try handle.seek(toOffset: 0)
        let decoder = FrameDecoder()
        var buffer = ByteBuffer()
        var consumed: Int64 = 0
        var atEnd = false
        while true {
            if !atEnd, buffer.readableBytes < 32 << 20 {
                let chunk = try handle.read(upToCount: 16 << 20) ?? Data()
                if chunk.isEmpty { atEnd = true } else { buffer.writeBytes(chunk) }
            }
            let recordStart = consumed
            let before = buffer.readerIndex
            let frame: Frame?
            do {
                frame = try decoder.decode(buffer: &buffer)
            } catch {
                let declaredEnd =
                    recordStart + 28
                    + Int64(buffer.getInteger(at: before + 16, endianness: .little, as: UInt32.self) ?? 0)
                if declaredEnd >= fileSize {
                    report.truncatedTailBytes = fileSize - recordStart
                    try cut(path, at: recordStart)
                    break
                }
                throw Failure(description: "\(path) is damaged at offset \(recordStart): \(error)")
            }
            guard let frame else {
                if atEnd {
                    if buffer.readableBytes > 0 {
                        report.truncatedTailBytes = Int64(buffer.readableBytes)
                        try cut(path, at: recordStart)
                    }
                    break
                }
                continue
            }
            consumed += Int64(buffer.readerIndex - before)
            let request: IngestRequest
            do {
                request = try frame.decode(IngestRequest.self)
                try apply(request)
            } catch {
                throw Failure(description: "\(path): record at offset \(recordStart) cannot be applied: \(error)")
            }
            report.records += 1
            report.events += request.batch.events.count
            buffer.discardReadBytes()
        }
        report.bytes = consumed
        report.elapsed = clock.now - started
        return report
    }

    private static func cut(_ path: String, at offset: Int64) throws {
        guard truncate(path, off_t(offset)) == 0 else {
            throw Failure(
                description: "cannot cut the torn tail of \(path) at \(offset): \(String(cString: strerror(errno)))"
            )
        }
    }
}
