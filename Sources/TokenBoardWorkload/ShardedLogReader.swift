import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One block of a sharded log: a worker's ingest batch as the protocol encodes it, stored as written.
public struct ShardedLogBlock: Sendable {
    /// The block's worker: an index into the log's `map.workers`.
    public var worker: Int
    public var events: Int
    /// The encoded batch's size once decompressed.
    public var rawLength: Int
    public var compressed: Bool
    /// The stored payload (one LZ4 block when `compressed`).
    public var payload: [UInt8]
    /// The payload's CRC-32C, as stored and checked.
    public var payloadCRC: UInt32
}

/// Reads a sharded log (`ShardedLogWriter`) block by block, checking each block's header and payload checksums;
/// the batches themselves are checked where they are decoded (a worker, or a replay that partitions them again).
///
/// A sharded log is a derived file, made again from its source log at will, so damage is not skipped: the first
/// damaged or torn block throws a `LogLineError` naming the file and the byte offset.
public final class ShardedLogReader {
    public let path: String
    /// The shard map the log is laid out for (version 0: only workers and owners are recorded).
    public let map: ShardMap
    public let fileSize: Int64
    /// Bytes of the file consumed: headers, the map and every block handed out.
    public private(set) var bytesRead: Int64
    /// Events in the blocks handed out.
    public private(set) var events = 0
    private var fd: Int32

    /// Whether the file at `path` starts like a sharded log (false for any other file, or one that cannot be read).
    public static func isSharded(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { _ = closeDescriptor(fd) }
        var header = [UInt8](repeating: 0, count: BinaryLogLayout.fileHeaderSize)
        let got = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got == header.count, Array(header[0..<8]) == BinaryLogLayout.fileMagic else { return false }
        return header.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        } == BinaryLogLayout.fileFlagSharded
    }

    /// Opens a sharded log and reads its map.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = closeDescriptor(fd)
            throw LogFileError(path: path, operation: "stat", code: code)
        }
        let size = Int64(info.st_size)
        func refuse(_ reason: String) -> LogOpenError {
            _ = closeDescriptor(fd)
            return LogOpenError(path: path, reason: reason)
        }
        var header = [UInt8](repeating: 0, count: BinaryLogLayout.fileHeaderSize + 4)
        let got = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got == header.count, Array(header[0..<8]) == BinaryLogLayout.fileMagic else {
            throw refuse("not a sharded tokenboard log (it does not start with \\x89TBLOG and a shard map)")
        }
        let (version, flags, length) = header.withUnsafeBytes {
            (
                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
                UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)),
                Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
            )
        }
        guard version == BinaryLogLayout.version, flags == BinaryLogLayout.fileFlagSharded else {
            throw refuse("binary log version \(version) with flags \(flags) is not a sharded log")
        }
        guard length <= ShardedLogMap.maxLength, Int64(BinaryLogLayout.fileHeaderSize + 8 + length) <= size else {
            throw refuse("the shard map section (\(length) bytes) does not fit the file")
        }
        var section = [UInt8](repeating: 0, count: length + 4)
        let gotSection = section.withUnsafeMutableBytes {
            pread(fd, $0.baseAddress, $0.count, off_t(BinaryLogLayout.fileHeaderSize + 4))
        }
        guard gotSection == section.count else { throw refuse("the file ends inside its shard map") }
        let decoded = section.withUnsafeBytes { raw in
            ShardedLogMap.decode(
                UnsafeRawBufferPointer(rebasing: raw[0..<length]),
                checksum: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: length, as: UInt32.self))
            )
        }
        switch decoded {
        case .success(let map): self.map = map
        case .failure(let problem): throw refuse("its shard map is damaged: \(problem)")
        }
        self.fd = fd
        self.path = path
        self.fileSize = size
        self.bytesRead = Int64(BinaryLogLayout.fileHeaderSize + 8 + length)
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
    }

    public func close() {
        if fd >= 0 { _ = closeDescriptor(fd) }
        fd = -1
    }

    /// The next block, or nil at the end of the file.
    public func next() throws -> ShardedLogBlock? {
        guard fd >= 0 else { return nil }
        let start = bytesRead
        let headerSize = BinaryLogLayout.blockHeaderSize
        var header = [UInt8](repeating: 0, count: headerSize)
        let got = try header.withUnsafeMutableBytes { try readFully(into: $0, at: start) }
        if got == 0 { return nil }
        guard got == headerSize else {
            throw damaged(.tornBlock("the file ends \(got) bytes into a block header"), start)
        }
        let parsed: BinaryLogLayout.BlockHeader
        switch header.withUnsafeBytes({ BinaryLogLayout.BlockHeader.read($0.baseAddress!, sharded: true) }) {
        case .success(let sound): parsed = sound
        case .failure(let problem): throw damaged(.corruptBlock("\(problem)"), start)
        }
        guard parsed.worker < map.workers.count else {
            throw damaged(.corruptBlock("the block names worker \(parsed.worker) of \(map.workers.count)"), start)
        }
        // Read straight into the array's storage: zeroing a block's megabyte first would be written over at once.
        var gotPayload = 0
        let payload = try [UInt8](unsafeUninitializedCapacity: parsed.storedLength) { storage, initialized in
            gotPayload = try readFully(into: UnsafeMutableRawBufferPointer(storage), at: start + Int64(headerSize))
            initialized = gotPayload
        }
        guard gotPayload == parsed.storedLength else {
            throw damaged(
                .tornBlock("the file ends \(gotPayload) bytes into a payload of \(parsed.storedLength)"),
                start
            )
        }
        guard payload.withUnsafeBytes({ CRC32C.checksum($0) }) == parsed.payloadCRC else {
            throw damaged(.corruptBlock("payload checksum mismatch (\(parsed.events) events)"), start)
        }
        bytesRead = start + Int64(headerSize + parsed.storedLength)
        events += parsed.events
        return ShardedLogBlock(
            worker: parsed.worker,
            events: parsed.events,
            rawLength: parsed.rawLength,
            compressed: parsed.compressed,
            payload: payload,
            payloadCRC: parsed.payloadCRC
        )
    }

    private func damaged(_ reason: LogLineError.Reason, _ offset: Int64) -> LogLineError {
        LogLineError(file: path, byteOffset: offset, kind: reason)
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    private func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try TokenBoardWorkload.readFully(fd, into: buffer, at: offset, path: path)
    }
}
