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
    /// Segments read (those a snapshot already covers are not).
    public var segments: Int
    public var records: Int
    public var events: Int
    public var bytes: Int64
    /// Bytes of an incomplete last record (a write cut short by a crash) that were cut off.
    public var truncatedTailBytes: Int64
    public var elapsed: Duration
}

/// A worker's write-ahead log: ingest batches, each stored as a protocol frame (magic, lengths, CRC-32C, LZ4 above
/// 1 KiB) so the wire codec is also the log codec. A batch is appended (and, under `.always`, synced) before it is
/// applied and acknowledged; start-up replays the log.
///
/// The log is a series of numbered segment files (`ingest-000000000001.wal`, …). A snapshot closes the current
/// segment and starts the next (`rotate`); once the snapshot is on disk, the segments it covers are deleted. That is
/// how the log is truncated behind a snapshot without rewriting a file that is being appended to.
public final class WriteAheadLog: @unchecked Sendable {
    /// Raised at start-up when the log is damaged anywhere but in its last record, and when appending fails.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: String
    public let policy: SyncPolicy
    private var fd: Int32
    /// Guards appends, the current descriptor and rotation.
    private let lock = NSLock()
    /// One sync at a time; descriptors retired by `rotate` are closed only under it, so a sync in progress never
    /// sees its descriptor closed.
    private let syncLock = NSLock()
    private var retired: [(fd: Int32, dirty: Bool)] = []
    /// The segment appended to.
    public private(set) var segment: UInt64
    private var size: Int64
    /// Bytes in the older segments still on disk (not yet covered by a snapshot).
    private var olderBytes: Int64
    private var dirty = false

    /// The file of segment `number` in `directory`.
    public static func path(in directory: String, segment number: UInt64) -> String {
        let digits = String(number)
        return directory + "/ingest-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".wal"
    }

    /// The segment numbers present in `directory`, ascending.
    public static func segments(in directory: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> UInt64? in
            guard name.hasPrefix("ingest-"), name.hasSuffix(".wal") else { return nil }
            return UInt64(name.dropFirst("ingest-".count).dropLast(".wal".count))
        }.sorted()
    }

    /// Opens (creating) segment `segment` for appending at its end; older segments still on disk count towards
    /// `byteCount`. Call `replay` first.
    public init(directory: String, policy: SyncPolicy, segment: UInt64) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create data directory \(directory): \(error.localizedDescription)")
        }
        self.directory = directory
        self.policy = policy
        self.segment = segment
        fd = try Self.openSegment(directory: directory, number: segment)
        size = Int64(lseek(fd, 0, SEEK_END))
        olderBytes = Self.segments(in: directory).filter { $0 < segment }.reduce(Int64(0)) {
            $0 + Self.fileSize(Self.path(in: directory, segment: $1))
        }
    }

    deinit {
        close(fd)
        for segment in retired { close(segment.fd) }
    }

    private static func openSegment(directory: String, number: UInt64) throws -> Int32 {
        let path = path(in: directory, segment: number)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        SnapshotFile.syncDirectory(directory)
        return fd
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Bytes in every segment on disk.
    public var byteCount: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return olderBytes + size
    }

    /// Continues in a new segment and returns the number of the one closed: a snapshot of the state at this moment
    /// covers it and every earlier one. Only a file is opened here (callers hold the store lock); the closed
    /// segment is synced and its descriptor closed by `releaseRetiredSegments()` or the next `sync()`.
    public func rotate() throws -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let next = try Self.openSegment(directory: directory, number: segment + 1)
        retired.append((fd, dirty))
        fd = next
        olderBytes += size
        size = 0
        dirty = false
        segment += 1
        return segment - 1
    }

    /// Syncs (unless the policy is `never`) and closes the segments `rotate` retired.
    public func releaseRetiredSegments() throws {
        syncLock.lock()
        defer { syncLock.unlock() }
        try releaseRetiredHoldingSyncLock()
    }

    private func releaseRetiredHoldingSyncLock() throws {
        lock.lock()
        let old = retired
        retired = []
        lock.unlock()
        var failure: Int32 = 0
        for segment in old {
            if segment.dirty, policy != .never, failure == 0, fdatasync(segment.fd) != 0 { failure = errno }
            close(segment.fd)
        }
        if failure != 0 {
            throw Failure(
                description: "cannot sync a closed segment in \(directory): \(String(cString: strerror(failure)))"
            )
        }
    }

    /// Deletes the segments up to and including `number`, which a snapshot on disk now covers.
    public func removeSegments(through number: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        for old in Self.segments(in: directory) where old <= number && old < segment {
            unlink(Self.path(in: directory, segment: old))
        }
        SnapshotFile.syncDirectory(directory)
        // Counted from what is on disk, not by subtraction, so the figure cannot drift.
        olderBytes = Self.segments(in: directory).filter { $0 < segment }.reduce(Int64(0)) {
            $0 + Self.fileSize(Self.path(in: directory, segment: $1))
        }
    }

    /// The log record of an ingest frame (`ingest` or `compactIngest`): its bytes as they arrived when it came off
    /// the wire (already compressed and checksummed by the sender, and checked by the decoder), else encoded from
    /// its payload, which nothing encodes twice. Build it before taking any lock: it may checksum and compress.
    public static func record(of frame: Frame) throws -> ByteBuffer {
        if let received = frame.received { return received }
        var record = ByteBuffer()
        try FrameEncoder.encode(Frame(typeCode: frame.typeCode, requestID: 0, payload: frame.payload), into: &record)
        return record
    }

    /// The log record of an ingest request, as an `ingest` frame.
    public static func record(of request: IngestRequest) throws -> ByteBuffer {
        try record(of: Frame(request, requestID: 0))
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
            throw Failure(
                description:
                    "cannot write \(Self.path(in: directory, segment: segment)): \(String(cString: strerror(failure)))"
            )
        }
        size = start + Int64(record.readableBytes)
        dirty = true
    }

    /// Flushes appended batches to stable storage if any are waiting (the interval policy's group commit).
    public func sync() throws {
        // The sync runs outside the append lock: appends (and the store lock they are taken under) go on while
        // the disk catches up, which is the point of group commit.
        syncLock.lock()
        defer { syncLock.unlock() }
        try releaseRetiredHoldingSyncLock()
        lock.lock()
        let (current, wasDirty, number) = (fd, dirty, segment)
        dirty = false
        lock.unlock()
        guard wasDirty else { return }
        guard fdatasync(current) == 0 else {
            let reason = String(cString: strerror(errno))
            lock.lock()
            dirty = true
            lock.unlock()
            throw Failure(description: "cannot sync \(Self.path(in: directory, segment: number)): \(reason)")
        }
    }

    /// Replays, in order, every segment in `directory` after `covered` (the last segment a snapshot includes),
    /// handing each record to `apply`, and deletes the covered segments a crash left behind. An incomplete last
    /// record of the last segment (a crash mid-write) is reported and cut off; a damaged record anywhere else stops
    /// start-up with an error naming the file and offset, never a silent skip.
    public static func replay(
        directory: String,
        after covered: UInt64 = 0,
        apply: (IngestRequest) throws -> Void
    ) throws -> RecoveryReport {
        try replay(directory: directory, after: covered, decode: { try IngestRequest(frame: $0) }, apply: apply)
    }

    /// `replay(directory:after:apply:)` handing each record over in the form a worker reads a received batch in
    /// (no `String` per session or employee key), which is how start-up applies the log.
    public static func replayReceived(
        directory: String,
        after covered: UInt64 = 0,
        apply: (ReceivedIngest) throws -> Void
    ) throws -> RecoveryReport {
        try replay(directory: directory, after: covered, decode: { try ReceivedIngest(frame: $0) }, apply: apply)
    }

    private static func replay<Request: LoggedIngest>(
        directory: String,
        after covered: UInt64,
        decode: (Frame) throws -> Request,
        apply: (Request) throws -> Void
    ) throws -> RecoveryReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = RecoveryReport(
            segments: 0,
            records: 0,
            events: 0,
            bytes: 0,
            truncatedTailBytes: 0,
            elapsed: .zero
        )
        let all = segments(in: directory)
        for stale in all where stale <= covered { unlink(path(in: directory, segment: stale)) }
        let live = all.filter { $0 > covered }
        for (i, number) in live.enumerated() {
            try replaySegment(
                path(in: directory, segment: number),
                isLast: i == live.count - 1,
                report: &report,
                decode: decode,
                apply: apply
            )
            report.segments += 1
        }
        report.elapsed = clock.now - started
        return report
    }

    private static func replaySegment<Request: LoggedIngest>(
        _ path: String,
        isLast: Bool,
        report: inout RecoveryReport,
        decode: (Frame) throws -> Request,
        apply: (Request) throws -> Void
    ) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let fileSize = Int64(status.st_size)
        let decoder = FrameDecoder()
        var buffer = ByteBuffer()
        var consumed: Int64 = 0
        var atEnd = false
        func tornTail(at offset: Int64) throws {
            guard isLast else {
                throw Failure(
                    description:
                        "\(path) is damaged at offset \(offset): a record is cut short, and later segments exist"
                )
            }
            report.truncatedTailBytes += fileSize - offset
            try cut(path, at: offset)
        }
        var needsMore = false
        while true {
            if !atEnd, needsMore || buffer.readableBytes < Self.replayReadAhead {
                needsMore = false
                // Straight from the file into the buffer, after moving the unread tail to its front: Foundation's
                // FileHandle.read grew a fresh Data per call (page faults and copies were most of the replay).
                buffer.discardReadBytes()
                let read = try Self.read(fd, into: &buffer, path: path)
                if read == 0 { atEnd = true }
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
                    try tornTail(at: recordStart)
                    break
                }
                throw Failure(description: "\(path) is damaged at offset \(recordStart): \(error)")
            }
            guard let frame else {
                if atEnd {
                    if buffer.readableBytes > 0 { try tornTail(at: recordStart) }
                    break
                }
                // A record longer than what is read ahead: read on until it is whole.
                needsMore = true
                continue
            }
            consumed += Int64(buffer.readerIndex - before)
            let request: Request
            do {
                request = try decode(frame)
                try apply(request)
            } catch {
                throw Failure(description: "\(path): record at offset \(recordStart) cannot be applied: \(error)")
            }
            report.records += 1
            report.events += request.eventCount
            buffer.discardReadBytes()
        }
        report.bytes += consumed
    }

    /// How much of a segment replay keeps read ahead of the record it decodes (a record is at most one frame).
    public static let replayReadAhead = 8 << 20

    /// Reads up to `replayReadAhead` bytes at the file's position onto the end of `buffer`; 0 at end of file.
    private static func read(_ fd: Int32, into buffer: inout ByteBuffer, path: String) throws -> Int {
        while true {
            var failure: Int32 = 0
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: replayReadAhead) { raw in
                let count = Glibc.read(fd, raw.baseAddress, replayReadAhead)
                if count < 0 { failure = errno }
                return max(count, 0)
            }
            if failure == 0 { return count }
            guard failure == EINTR else {
                throw Failure(description: "cannot read \(path): \(String(cString: strerror(failure)))")
            }
        }
    }

    private static func cut(_ path: String, at offset: Int64) throws {
        guard truncate(path, off_t(offset)) == 0 else {
            throw Failure(
                description: "cannot cut the torn tail of \(path) at \(offset): \(String(cString: strerror(errno)))"
            )
        }
    }
}

/// A logged ingest request in either decoded form, for counting what replay found.
protocol LoggedIngest {
    var eventCount: Int { get }
}

extension IngestRequest: LoggedIngest {
    var eventCount: Int { batch.events.count }
}

extension ReceivedIngest: LoggedIngest {
    var eventCount: Int { batch.events.count }
}
