import LZ4
import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes events as a binary log (`BinaryLogLayout`, docs/LOG-FORMAT.md): blocks of up to 32,768 events, each
/// with string tables, fixed-width records and the events' ids, LZ4-compressed and checksummed.
///
/// Events are buffered until a block is full; `close()` writes the last block. A writer dropped without
/// `close()` leaves its buffered events unwritten: callers write to a temporary name and rename it once
/// `close()` has returned, so an incomplete log is never taken for a complete one.
public final class BinaryLogWriter: UsageLogWriter {
    /// Events per block: about 2 MB of records, large enough for LZ4 to find the repetition in the fixed-width
    /// records and small enough to lose little to a damaged block.
    public static let defaultEventsPerBlock = 32768

    public let path: String
    public private(set) var bytesWritten: Int64 = 0

    private var fd: Int32
    private let eventsPerBlock: Int
    private var builder = EventBatchBuilder()
    private var ids: [String] = []
    /// An upper bound of the block's decompressed size so far, to stay far below `maxRawLength`.
    private var rawBound = 16
    /// The block's payload before compression: the first `rawLength` bytes.
    private var raw: [UInt8] = []
    private var rawLength = 0
    private var out: [UInt8] = []

    /// Creates (or truncates) the file at `path` and writes the file header.
    public init(path: String, eventsPerBlock: Int = defaultEventsPerBlock) throws(LogFileError) {
        precondition(eventsPerBlock > 0)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        self.fd = fd
        self.path = path
        self.eventsPerBlock = eventsPerBlock
        var header = BinaryLogLayout.fileMagic
        withUnsafeBytes(of: BinaryLogLayout.version.littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(0)) { header.append(contentsOf: $0) }
        let failure = header.withUnsafeBytes { writeAll($0) }
        if failure != 0 { throw LogFileError(path: path, operation: "write", code: failure) }
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
    }

    public func write(_ event: UsageEvent) throws(LogFileError) {
        guard fd >= 0 else { throw LogFileError(path: path, operation: "write", code: EBADF) }
        // Each string counted as if new to its table: a bound, not the size.
        let bound =
            BinaryLogLayout.recordSize + 16 + event.id.utf8.count + event.employee.utf8.count
            + event.model.utf8.count + event.tool.utf8.count + event.session.utf8.count
        if builder.count >= eventsPerBlock || rawBound + bound > BinaryLogLayout.maxRawLength / 2 {
            try flushBlock()
        }
        if !builder.append(event) {
            // 65,536 distinct models or tools in one block: start the next one.
            try flushBlock()
            builder.append(event)
        }
        ids.append(event.id)
        rawBound += bound
    }

    public func close() throws(LogFileError) {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        do {
            try flushBlock()
        } catch {
            _ = closeDescriptor(fd)
            throw error
        }
        if closeDescriptor(fd) != 0 { throw LogFileError(path: path, operation: "close", code: errno) }
    }

    /// Encodes, compresses and writes the buffered events as one block.
    private func flushBlock() throws(LogFileError) {
        guard builder.count > 0 else { return }
        let batch = builder.take()
        encode(batch)
        let bound = LZ4.compressBound(rawLength)
        let headerSize = BinaryLogLayout.blockHeaderSize
        if out.count < headerSize + bound { out = [UInt8](repeating: 0, count: headerSize + bound) }
        let (storedLength, compressed) = raw.withUnsafeBytes { whole in
            let source = UnsafeRawBufferPointer(rebasing: whole[0..<rawLength])
            return out.withUnsafeMutableBytes { destination -> (Int, Bool) in
                let payload = UnsafeMutableRawBufferPointer(rebasing: destination[headerSize..<(headerSize + bound)])
                // Stored as is when compression would not shrink it.
                if let n = LZ4.compress(source, into: payload), n < rawLength { return (n, true) }
                payload.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: rawLength)
                return (rawLength, false)
            }
        }
        let failure = out.withUnsafeMutableBytes { buffer in
            let payload = UnsafeRawBufferPointer(rebasing: buffer[headerSize..<(headerSize + storedLength)])
            BinaryLogLayout.BlockHeader(
                flags: compressed ? BinaryLogLayout.flagLZ4 : 0,
                storedLength: storedLength,
                rawLength: rawLength,
                events: batch.events.count,
                payloadCRC: CRC32C.checksum(payload)
            ).write(to: buffer.baseAddress!)
            return writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<(headerSize + storedLength)]))
        }
        if failure != 0 { throw LogFileError(path: path, operation: "write", code: failure) }
        ids.removeAll(keepingCapacity: true)
        rawBound = 16
    }

    /// Lays out the block's payload (tables, records, ids) in `raw`, which it sizes exactly.
    private func encode(_ batch: EventBatch) {
        let tables = [batch.employees, batch.models, batch.tools, batch.sessions]
        var size = 16 + batch.events.count * BinaryLogLayout.recordSize
        for table in tables {
            for string in table { size += 4 + string.utf8.count }
        }
        for id in ids { size += id.utf8.count }
        // Grown, never shrunk: the next block is usually about as large.
        if raw.count < size { raw = [UInt8](repeating: 0, count: max(size, raw.count * 2)) }
        rawLength = size
        raw.withUnsafeMutableBytes { buffer in
            let p = buffer.baseAddress!
            var at = 0
            @inline(__always) func put<T: FixedWidthInteger>(_ value: T) {
                p.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self)
                at += MemoryLayout<T>.size
            }
            @inline(__always) func putBytes(_ string: String) {
                var copy = string
                copy.withUTF8 { utf8 in
                    if let base = utf8.baseAddress { (p + at).copyMemory(from: base, byteCount: utf8.count) }
                    at += utf8.count
                }
            }
            for table in tables { put(UInt32(table.count)) }
            for table in tables {
                for string in table {
                    put(UInt32(string.utf8.count))
                    putBytes(string)
                }
            }
            for (index, event) in batch.events.enumerated() {
                put(event.employee)
                put(event.session)
                put(event.model)
                put(event.tool)
                put(UInt32(ids[index].utf8.count))
                put(event.timestampMillis)
                put(event.counts.input)
                put(event.counts.output)
                put(event.counts.cacheWrite)
                put(event.counts.cacheRead)
            }
            for id in ids { putBytes(id) }
            precondition(at == size, "binary block layout and size disagree")
        }
    }

    /// Writes every byte; returns 0, or the POSIX error that stopped it.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < bytes.count {
            let n = writeDescriptor(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        bytesWritten += Int64(bytes.count)
        return 0
    }
}
