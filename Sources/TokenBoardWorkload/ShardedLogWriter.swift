import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a sharded log (`BinaryLogLayout`, docs/LOG-FORMAT.md): the shard map it is laid out for, then blocks
/// that each hold one worker's ingest batch, already encoded (and compressed) the way the protocol sends it, so a
/// replay into a cluster with the same map forwards every block as it is.
///
/// The caller encodes the batches (`PreparedBatch` in TokenBoardWire); this type only frames and checksums them.
/// As with `BinaryLogWriter`, write to a temporary name and rename once `close()` has returned.
public final class ShardedLogWriter {
    public let path: String
    public let map: ShardMap
    public private(set) var bytesWritten: Int64 = 0
    private var fd: Int32

    /// Creates (or truncates) the file at `path` and writes the file header and `map`.
    public init(path: String, map: ShardMap) throws(LogFileError) {
        precondition(map.workers.count <= Int(UInt16.max), "a block names its worker in 16 bits")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        self.fd = fd
        self.path = path
        self.map = map
        var header = BinaryLogLayout.fileMagic
        withUnsafeBytes(of: BinaryLogLayout.version.littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: BinaryLogLayout.fileFlagSharded.littleEndian) { header.append(contentsOf: $0) }
        header.append(contentsOf: ShardedLogMap.encode(map))
        try writeAll(header)
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
    }

    /// Appends one block: `worker`'s batch of `events` events, `rawLength` bytes once decompressed, stored as
    /// `payload` (one LZ4 block when `compressed`).
    public func writeBlock(
        worker: Int,
        events: Int,
        rawLength: Int,
        compressed: Bool,
        payload: UnsafeRawBufferPointer
    ) throws(LogFileError) {
        guard fd >= 0 else { throw LogFileError(path: path, operation: "write", code: EBADF) }
        precondition(map.workers.indices.contains(worker), "no such worker in the log's map")
        precondition(rawLength <= BinaryLogLayout.maxRawLength, "block too large")
        var header = [UInt8](repeating: 0, count: BinaryLogLayout.blockHeaderSize)
        header.withUnsafeMutableBytes { raw in
            BinaryLogLayout.BlockHeader(
                flags: BinaryLogLayout.flagBatch | (compressed ? BinaryLogLayout.flagLZ4 : 0),
                storedLength: payload.count,
                rawLength: rawLength,
                events: events,
                payloadCRC: CRC32C.checksum(payload),
                worker: worker
            ).write(to: raw.baseAddress!)
        }
        try writeAll(header)
        try writeAll(payload)
    }

    public func close() throws(LogFileError) {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        if closeDescriptor(fd) != 0 { throw LogFileError(path: path, operation: "close", code: errno) }
    }

    private func writeAll(_ bytes: [UInt8]) throws(LogFileError) {
        var failure: LogFileError?
        bytes.withUnsafeBytes { raw in
            do throws(LogFileError) { try writeAll(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(LogFileError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = writeDescriptor(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw LogFileError(path: path, operation: "write", code: errno)
            }
            offset += n
        }
        bytesWritten += Int64(bytes.count)
    }
}
