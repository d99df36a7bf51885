import TokenBoardCore

/// The shard-map section of a sharded log, after the file header: u32 length N, N bytes (u32 slots, u32 workers,
/// each worker's id as u32 length and UTF-8, a u16 owner per slot), u32 CRC-32C of the N bytes. The map's version
/// is not recorded: two maps route alike when their workers and owners are equal, whatever their versions.
enum ShardedLogMap {
    /// The largest section a reader accepts (65,535 workers with 256-byte ids and 2²⁰ slots fit).
    static let maxLength = 20 << 20

    static func encode(_ map: ShardMap) -> [UInt8] {
        var body: [UInt8] = []
        func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) } }
        put(UInt32(map.owners.count))
        put(UInt32(map.workers.count))
        for worker in map.workers {
            put(UInt32(worker.utf8.count))
            body.append(contentsOf: worker.utf8)
        }
        for owner in map.owners { withUnsafeBytes(of: owner.littleEndian) { body.append(contentsOf: $0) } }
        var section: [UInt8] = []
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { section.append(contentsOf: $0) }
        section.append(contentsOf: body)
        let crc = body.withUnsafeBytes { CRC32C.checksum($0) }
        withUnsafeBytes(of: crc.littleEndian) { section.append(contentsOf: $0) }
        return section
    }

    /// The map in a section's N bytes (version 0), or why they are not one.
    static func decode(_ body: UnsafeRawBufferPointer, checksum: UInt32) -> Result<ShardMap, ShardedLogMapError> {
        guard CRC32C.checksum(body) == checksum else { return .failure(ShardedLogMapError("checksum mismatch")) }
        var at = 0
        func u32() -> Int? {
            guard body.count - at >= 4 else { return nil }
            defer { at += 4 }
            return Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        guard let slots = u32(), let count = u32(), (1...(1 << 20)).contains(slots), (1...65535).contains(count)
        else { return .failure(ShardedLogMapError("slot or worker count out of range")) }
        var workers: [String] = []
        for _ in 0..<count {
            guard let length = u32(), body.count - at >= length,
                let id = String(validating: UnsafeRawBufferPointer(rebasing: body[at..<(at + length)]), as: UTF8.self)
            else { return .failure(ShardedLogMapError("a worker id runs past the section or is not UTF-8")) }
            workers.append(id)
            at += length
        }
        guard body.count - at == slots * 2 else {
            return .failure(ShardedLogMapError("\(body.count - at) bytes for \(slots) slot owners"))
        }
        var owners: [UInt16] = []
        owners.reserveCapacity(slots)
        for slot in 0..<slots {
            let owner = UInt16(littleEndian: body.loadUnaligned(fromByteOffset: at + slot * 2, as: UInt16.self))
            guard Int(owner) < count else { return .failure(ShardedLogMapError("slot \(slot) names no worker")) }
            owners.append(owner)
        }
        return .success(ShardMap(version: 0, workers: workers, owners: owners))
    }
}

/// Why a sharded log's map section is not one.
struct ShardedLogMapError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
