import LZ4
import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a binary log (`BinaryLogLayout`, docs/LOG-FORMAT.md) block by block.
///
/// Every block is checked whole (header checksum, payload checksum, then every table entry, index and count)
/// before any of its events is handed out, so a damaged block gives no events rather than wrong ones. A damaged
/// block is reported with the file and the byte offset where it starts and skipped: past its payload when its
/// header is sound, else to the next offset where a sound block header starts. A file that ends inside a block
/// (a writer that stopped mid-block) reports a torn block. In strict mode the first damage throws instead.
///
/// `linesRead` counts the records decoded and `badLines` the damaged blocks. Memory is one block, at most
/// 64 MiB decompressed (2 MB as `BinaryLogWriter` writes them).
public final class BinaryLogReader: UsageLogReader {
    public let path: String
    public let strict: Bool
    public let fileSize: Int64
    public var format: LogFormat { .binary }
    /// Bytes of the file consumed: the file header and every block handed out or skipped.
    public private(set) var bytesRead: Int64
    public private(set) var linesRead = 0
    public private(set) var badLines = 0
    public var skippedLines: Int { 0 }
    public private(set) var firstErrors: [LogLineError] = []

    private var fd: Int32
    private var reachedEOF = false
    /// The stored (possibly compressed) payload of the current block.
    private var stored: Buffer
    /// The decompressed payload of the current block.
    private var raw: Buffer
    /// The current block: its tables, where its records and ids start, and how far decoding has got.
    private var block = DecodedBlock()

    /// Opens a binary log and checks its file header.
    public init(path: String, strict: Bool = false) throws {
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
        self.stored = Buffer()
        self.raw = Buffer()
        self.bytesRead = Int64(BinaryLogLayout.fileHeaderSize)
        var header = [UInt8](repeating: 0, count: BinaryLogLayout.fileHeaderSize)
        let got = try header.withUnsafeMutableBytes { try readFully(into: $0, at: 0) }
        guard got == header.count, Array(header[0..<8]) == BinaryLogLayout.fileMagic else {
            throw LogOpenError(path: path, reason: "not a tokenboard binary log (it does not start with \\x89TBLOG)")
        }
        let version = header.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        }
        let flags = header.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        }
        if version == BinaryLogLayout.version, flags == BinaryLogLayout.fileFlagSharded {
            throw LogOpenError(
                path: path,
                reason:
                    "a sharded log (tokenboard convert --shards) holds ready ingest batches without the events' ids: only tokenboard replay reads it; use its source log here"
            )
        }
        guard version == BinaryLogLayout.version, flags == 0 else {
            throw LogOpenError(
                path: path,
                reason: "binary log version \(version) with flags \(flags); this build reads version 1 without flags"
            )
        }
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
        stored.deallocate()
        raw.deallocate()
    }

    public func close() {
        if fd >= 0 { _ = closeDescriptor(fd) }
        fd = -1
        reachedEOF = true
        block = DecodedBlock()
    }

    public func next(into events: inout [UsageEvent], max: Int) throws -> Bool {
        precondition(max > 0, "max must be positive")
        var appended = 0
        while appended < max {
            if block.remaining > 0 {
                let n = min(block.remaining, max - appended)
                decode(n, into: &events)
                appended += n
                continue
            }
            if reachedEOF { break }
            try loadBlock()
        }
        return appended > 0
    }

    /// Hands out up to `max` events of the current block (reading the next block first when it is used up) as a
    /// batch whose string tables are the block's own: no string is made per event, and each id is digested
    /// (`EventKey`) straight from its bytes. A batch never spans two blocks.
    public func nextBatch(into batch: inout EventBatch, max: Int) throws -> Bool {
        precondition(max > 0, "max must be positive")
        while block.remaining == 0 {
            if reachedEOF { return false }
            try loadBlock()
        }
        let n = min(block.remaining, max)
        batch = EventBatch(
            employees: block.employees,
            models: block.models,
            tools: block.tools,
            sessions: block.sessions,
            events: decodeBatched(n)
        )
        return true
    }

    /// The current block's next `n` records as batched events (indices into the block's tables).
    private func decodeBatched(_ n: Int) -> [BatchedEvent] {
        let p = UnsafeRawPointer(raw.base)
        var record = block.nextRecord
        var id = block.nextID
        let events = [BatchedEvent](unsafeUninitializedCapacity: n) { storage, initialized in
            for index in 0..<n {
                @inline(__always) func u64(_ offset: Int) -> UInt64 {
                    UInt64(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt64.self))
                }
                @inline(__always) func u32(_ offset: Int) -> UInt32 {
                    UInt32(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt32.self))
                }
                @inline(__always) func u16(_ offset: Int) -> UInt16 {
                    UInt16(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt16.self))
                }
                let idLength = Int(u32(12))
                (storage.baseAddress.unsafelyUnwrapped + index).initialize(
                    to: BatchedEvent(
                        employee: u32(0),
                        model: u16(8),
                        tool: u16(10),
                        session: u32(4),
                        timestampMillis: Int64(bitPattern: u64(16)),
                        eventKey: EventKey.digest(utf8: UnsafeRawBufferPointer(start: p + id, count: idLength)),
                        counts: TokenCounts(input: u64(24), output: u64(32), cacheWrite: u64(40), cacheRead: u64(48))
                    )
                )
                record += BinaryLogLayout.recordSize
                id += idLength
            }
            initialized = n
        }
        block.nextRecord = record
        block.nextID = id
        block.remaining -= n
        linesRead += n
        return events
    }

    /// Appends the current block's next `n` records, already checked by `check`.
    private func decode(_ n: Int, into events: inout [UsageEvent]) {
        let p = UnsafeRawPointer(raw.base)
        var record = block.nextRecord
        var id = block.nextID
        for _ in 0..<n {
            @inline(__always) func u64(_ offset: Int) -> UInt64 {
                UInt64(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt64.self))
            }
            @inline(__always) func u32(_ offset: Int) -> Int {
                Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt32.self)))
            }
            @inline(__always) func u16(_ offset: Int) -> Int {
                Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: UInt16.self)))
            }
            let idLength = u32(12)
            let idBytes = UnsafeRawBufferPointer(start: p + id, count: idLength)
            events.append(
                UsageEvent(
                    id: String(decoding: idBytes, as: UTF8.self),
                    timestampMillis: Int64(bitPattern: u64(16)),
                    employee: block.employees[u32(0)],
                    model: block.models[u16(8)],
                    tool: block.tools[u16(10)],
                    session: block.sessions[u32(4)],
                    counts: TokenCounts(input: u64(24), output: u64(32), cacheWrite: u64(40), cacheRead: u64(48))
                )
            )
            record += BinaryLogLayout.recordSize
            id += idLength
        }
        block.nextRecord = record
        block.nextID = id
        block.remaining -= n
        linesRead += n
    }

    /// Reads, checks and unpacks the block at `bytesRead`, or reports why it cannot and moves past it.
    private func loadBlock() throws {
        let start = bytesRead
        let headerSize = BinaryLogLayout.blockHeaderSize
        stored.reserve(headerSize)
        let got = try readFully(into: UnsafeMutableRawBufferPointer(start: stored.base, count: headerSize), at: start)
        if got == 0 {
            reachedEOF = true
            return
        }
        if got < headerSize {
            bytesRead = start + Int64(got)
            reachedEOF = true
            try refuse(.tornBlock("the file ends \(got) bytes into a block header"), at: start)
            return
        }
        let header: BinaryLogLayout.BlockHeader
        switch BinaryLogLayout.BlockHeader.read(stored.base) {
        case .success(let sound):
            header = sound
        case .failure(let problem):
            if let next = try nextBlockStart(after: start) {
                bytesRead = next
                try refuse(.corruptBlock("\(problem); skipped \(next - start) bytes to the next block"), at: start)
            } else {
                bytesRead = fileSize
                reachedEOF = true
                try refuse(.corruptBlock("\(problem); no sound block follows"), at: start)
            }
            return
        }
        stored.reserve(header.storedLength)
        let payload = UnsafeMutableRawBufferPointer(start: stored.base, count: header.storedLength)
        let gotPayload = try readFully(into: payload, at: start + Int64(headerSize))
        guard gotPayload == header.storedLength else {
            bytesRead = start + Int64(headerSize + gotPayload)
            reachedEOF = true
            try refuse(
                .tornBlock(
                    "the file ends \(gotPayload) bytes into a payload of \(header.storedLength) (\(header.events) events lost)"
                ),
                at: start
            )
            return
        }
        bytesRead = start + Int64(headerSize + header.storedLength)
        guard CRC32C.checksum(UnsafeRawBufferPointer(payload)) == header.payloadCRC else {
            try refuse(.corruptBlock("payload checksum mismatch (\(header.events) events lost)"), at: start)
            return
        }
        do throws(BlockProblem) {
            try unpack(header, payload: UnsafeRawBufferPointer(payload))
        } catch {
            block = DecodedBlock()
            try refuse(.corruptBlock("\(error.description) (\(header.events) events lost)"), at: start)
        }
    }

    /// Decompresses the payload into `raw` and checks every table entry and record.
    private func unpack(_ header: BinaryLogLayout.BlockHeader, payload: UnsafeRawBufferPointer) throws(BlockProblem) {
        raw.reserve(header.rawLength)
        let rawBytes = UnsafeMutableRawBufferPointer(start: raw.base, count: header.rawLength)
        if header.compressed {
            do {
                try LZ4.decompress(payload, into: rawBytes)
            } catch {
                throw BlockProblem("the LZ4 payload does not expand to \(header.rawLength) bytes")
            }
        } else {
            rawBytes.copyMemory(from: payload)
        }
        block = try DecodedBlock(UnsafeRawBufferPointer(rawBytes), events: header.events)
    }

    /// The offset of the next sound block header after `start`, scanning the file in 1 MiB windows.
    private func nextBlockStart(after start: Int64) throws -> Int64? {
        let headerSize = BinaryLogLayout.blockHeaderSize
        let window = 1 << 20
        stored.reserve(window + headerSize)
        var from = start + 1
        while from < fileSize {
            let got = try readFully(
                into: UnsafeMutableRawBufferPointer(start: stored.base, count: window + headerSize),
                at: from
            )
            guard got >= headerSize else { return nil }
            let p = UnsafeRawPointer(stored.base)
            for i in 0...(got - headerSize) where p.load(fromByteOffset: i, as: UInt8.self) == 0x54 {
                if case .success = BinaryLogLayout.BlockHeader.read(p + i) { return from + Int64(i) }
            }
            // The windows overlap by a header's length, so no header straddling two is missed.
            from += Int64(got - headerSize + 1)
        }
        return nil
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    private func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try TokenBoardWorkload.readFully(fd, into: buffer, at: offset, path: path)
    }

    private func refuse(_ reason: LogLineError.Reason, at offset: Int64) throws {
        badLines += 1
        let error = LogLineError(file: path, byteOffset: offset, kind: reason)
        if firstErrors.count < Self.maxRecordedErrors { firstErrors.append(error) }
        if strict { throw error }
    }
}

/// Why a block whose checksums are sound still cannot be read.
private struct BlockProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A growable raw buffer that keeps its address while it is not grown.
private struct Buffer {
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int

    init() {
        capacity = 1 << 16
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        capacity = max(count, capacity * 2)
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    func deallocate() { base.deallocate() }
}

/// The tables of one decompressed block and the decoder's place in its records.
private struct DecodedBlock {
    var employees: [String] = []
    var models: [String] = []
    var tools: [String] = []
    var sessions: [String] = []
    var nextRecord = 0
    var nextID = 0
    var remaining = 0

    init() {}

    /// Reads the tables and checks every record of a payload of `events` records.
    init(_ payload: UnsafeRawBufferPointer, events: Int) throws(BlockProblem) {
        let p = payload.baseAddress!
        let n = payload.count
        var at = 0
        func u32() throws(BlockProblem) -> Int {
            guard n - at >= 4 else { throw BlockProblem("the string tables run past the payload") }
            defer { at += 4 }
            return Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        let sizes = [try u32(), try u32(), try u32(), try u32()]
        guard sizes[1] <= Int(UInt16.max) + 1, sizes[2] <= Int(UInt16.max) + 1 else {
            throw BlockProblem("more than 65,536 models or tools")
        }
        var tables: [[String]] = []
        for (table, size) in sizes.enumerated() {
            guard size <= n / 4 else { throw BlockProblem("a string table of \(size) entries cannot fit") }
            var strings: [String] = []
            strings.reserveCapacity(size)
            for _ in 0..<size {
                let length = try u32()
                guard n - at >= length else { throw BlockProblem("a string runs past the payload") }
                let bytes = UnsafeBufferPointer(start: (p + at).assumingMemoryBound(to: UInt8.self), count: length)
                guard let string = validString(bytes) else { throw BlockProblem("a table string is not valid UTF-8") }
                if table == 0 && (length == 0 || length > CanonicalLineParser.maxEmployeeBytes) {
                    throw BlockProblem("an employee key is not 1 to 256 bytes")
                }
                if table == 1 && length == 0 { throw BlockProblem("a model name is empty") }
                strings.append(string)
                at += length
            }
            tables.append(strings)
        }
        guard (n - at) / BinaryLogLayout.recordSize >= events else {
            throw BlockProblem("\(events) records do not fit the payload")
        }
        let recordsStart = at
        var id = recordsStart + events * BinaryLogLayout.recordSize
        for index in 0..<events {
            let record = recordsStart + index * BinaryLogLayout.recordSize
            func field<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) -> T {
                T(littleEndian: p.loadUnaligned(fromByteOffset: record + offset, as: T.self))
            }
            guard Int(field(0, UInt32.self)) < sizes[0], Int(field(4, UInt32.self)) < sizes[3],
                Int(field(8, UInt16.self)) < sizes[1], Int(field(10, UInt16.self)) < sizes[2]
            else { throw BlockProblem("record \(index) points outside a string table") }
            for offset in stride(from: 24, through: 48, by: 8)
            where field(offset, UInt64.self) > TokenCounts.maxPerEvent {
                throw BlockProblem("record \(index) has a count above \(TokenCounts.maxPerEvent)")
            }
            let length = Int(field(12, UInt32.self))
            guard n - id >= length else { throw BlockProblem("record \(index)'s id runs past the payload") }
            let bytes = UnsafeBufferPointer(start: (p + id).assumingMemoryBound(to: UInt8.self), count: length)
            guard isASCII(bytes) || String(validating: bytes, as: UTF8.self) != nil else {
                throw BlockProblem("record \(index)'s id is not valid UTF-8")
            }
            id += length
        }
        guard id == n else { throw BlockProblem("\(n - id) bytes follow the last id") }
        employees = tables[0]
        models = tables[1]
        tools = tables[2]
        sessions = tables[3]
        nextRecord = recordsStart
        nextID = recordsStart + events * BinaryLogLayout.recordSize
        remaining = events
    }
}

/// Whether every byte is ASCII (`ASCIIBytes`).
@inline(__always) private func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    ASCIIBytes.check(UnsafeRawBufferPointer(bytes))
}

/// The string of some bytes, or nil when they are not valid UTF-8 (never repaired: a repaired employee key would
/// be another employee).
@inline(__always) private func validString(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
    return String(validating: bytes, as: UTF8.self)
}
