import Foundation
import LZ4
import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#endif

/// A worker's snapshot on disk: a shard store's state (`ShardStore.snapshot()`) and the number of the last
/// write-ahead-log segment it includes, so start-up loads it and replays only later segments.
///
/// Layout, little-endian: a 40-byte header (magic "TBSN", version u16, reserved u16, covered segment u64,
/// created Unix ms i64, body length u64, chunk count u32, CRC-32C of the preceding 36 bytes u32), then the body in
/// chunks of at most 4 MiB, each a raw length u32, a stored length u32 (equal to the raw length when LZ4 did not
/// help), a CRC-32C of the stored bytes u32, and the stored bytes.
///
/// The file is written under a temporary name, synced, renamed over the old one and the directory synced, so a
/// crash leaves either the old snapshot or the new one, never half of one.
public enum SnapshotFile {
    static let magic: UInt32 = 0x4E53_4254
    static let version: UInt16 = 1
    static let headerSize = 40
    static let chunkSize = 4 << 20

    /// A snapshot read back.
    public struct Loaded {
        public var body: [UInt8]
        public var coveredSegment: UInt64
        public var createdMillis: Int64
        public var fileBytes: Int64
    }

    /// Raised when the snapshot cannot be written or read; names the file and, for damage, the offset.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func path(in directory: String) -> String { directory + "/snapshot.tbs" }

    /// Writes `body` as the directory's snapshot, atomically and durably. Returns the file's size.
    @discardableResult
    public static func write(
        body: [UInt8],
        coveredSegment: UInt64,
        createdMillis: Int64,
        directory: String
    ) throws(Failure) -> Int64 {
        let final = path(in: directory)
        let temporary = final + ".tmp"
        var file = BinaryWriter(reservingCapacity: headerSize + body.count / 2)
        var chunks: [(raw: Int, stored: [UInt8])] = []
        var start = 0
        while start < body.count || (start == 0 && chunks.isEmpty) {
            let end = min(start + chunkSize, body.count)
            let raw = Array(body[start..<end])
            let compressed = LZ4.compress(raw)
            chunks.append((raw.count, compressed.isEmpty || compressed.count >= raw.count ? raw : compressed))
            start = end
            if body.isEmpty { break }
        }
        var header = BinaryWriter()
        header.write(magic)
        header.write(version)
        header.write(UInt16(0))
        header.write(coveredSegment)
        header.write(createdMillis)
        header.write(UInt64(body.count))
        header.write(UInt32(chunks.count))
        let headerCRC = header.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        header.write(headerCRC)
        file.write(bytes: header.bytes)
        for chunk in chunks {
            file.write(UInt32(chunk.raw))
            file.write(UInt32(chunk.stored.count))
            file.write(chunk.stored.withUnsafeBytes { CRC32C.checksum($0) })
            file.write(bytes: chunk.stored)
        }
        try writeDurably(file.bytes, to: temporary)
        guard rename(temporary, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary) to \(final): \(reason)")
        }
        syncDirectory(directory)
        return Int64(file.bytes.count)
    }

    /// The directory's snapshot, or nil when it has none. Damage is an error naming the file and offset.
    public static func read(directory: String) throws(Failure) -> Loaded? {
        let path = path(in: directory)
        // A temporary file is a snapshot whose writer died before the rename: the previous snapshot stands.
        unlink(path + ".tmp")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "cannot read \(path): \(error.localizedDescription)")
        }
        let bytes = [UInt8](data)
        func damaged(_ offset: Int, _ reason: String) -> Failure {
            Failure(description: "\(path) is damaged at offset \(offset): \(reason)")
        }
        guard bytes.count >= headerSize else { throw damaged(0, "shorter than its \(headerSize)-byte header") }
        var reader = BinaryReader(Array(bytes[0..<headerSize]))
        do {
            guard try reader.read(UInt32.self) == magic else { throw damaged(0, "not a tokenboard snapshot") }
            let fileVersion = try reader.read(UInt16.self)
            guard fileVersion == version else {
                throw damaged(4, "snapshot file version \(fileVersion); this build reads \(version)")
            }
            _ = try reader.read(UInt16.self)
            let covered = try reader.read(UInt64.self)
            let created = try reader.read(Int64.self)
            let bodyLength = try reader.read(UInt64.self)
            let chunkCount = try reader.read(UInt32.self)
            let storedCRC = try reader.read(UInt32.self)
            let actualCRC = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<36])) }
            guard storedCRC == actualCRC else { throw damaged(0, "header checksum mismatch") }
            guard bodyLength <= UInt64(bytes.count) * 300 else { throw damaged(20, "impossible body length") }
            var body: [UInt8] = []
            body.reserveCapacity(Int(bodyLength))
            var offset = headerSize
            for _ in 0..<chunkCount {
                guard bytes.count - offset >= 12 else { throw damaged(offset, "chunk header cut short") }
                var chunkHeader = BinaryReader(Array(bytes[offset..<offset + 12]))
                let raw = Int(try chunkHeader.read(UInt32.self))
                let stored = Int(try chunkHeader.read(UInt32.self))
                let crc = try chunkHeader.read(UInt32.self)
                guard raw <= chunkSize, stored <= LZ4.compressBound(chunkSize), bytes.count - offset - 12 >= stored
                else { throw damaged(offset, "chunk lengths \(raw)/\(stored) impossible or past the end") }
                let slice = bytes[(offset + 12)..<(offset + 12 + stored)]
                guard slice.withUnsafeBytes({ CRC32C.checksum($0) }) == crc else {
                    throw damaged(offset, "chunk checksum mismatch")
                }
                if stored == raw {
                    body.append(contentsOf: slice)
                } else {
                    do {
                        body.append(contentsOf: try LZ4.decompress(Array(slice), originalSize: raw))
                    } catch {
                        throw damaged(offset, "chunk does not decompress")
                    }
                }
                offset += 12 + stored
            }
            guard offset == bytes.count, body.count == Int(bodyLength) else {
                throw damaged(offset, "file length disagrees with its header")
            }
            return Loaded(body: body, coveredSegment: covered, createdMillis: created, fileBytes: Int64(bytes.count))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw damaged(reader.offset, "\(error)")
        }
    }

    private static func writeDurably(_ bytes: [UInt8], to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            unlink(path)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// Makes a rename or an unlink in `directory` durable.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
