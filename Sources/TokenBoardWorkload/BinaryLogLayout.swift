import TokenBoardCore

/// The layout of tokenboard's binary usage log (docs/LOG-FORMAT.md), shared by `BinaryLogWriter` and
/// `BinaryLogReader`. All integers are little-endian.
///
/// ```
/// file header, 16 bytes:
///   0  magic    89 54 42 4C 4F 47 0D 0A  ("\x89TBLOG\r\n": never the start of a text log, and damaged by
///                                          7-bit or line-ending conversions)
///   8  version  u32 = 1
///  12  flags    u32 = 0
/// then blocks until the end of the file, each a 28-byte header and its payload:
///   0  magic          u32 = 0x4B424254 ("TBBK")
///   4  flags          u16: bit 0 = payload is an LZ4 block; other bits 0
///   6  reserved       u16 = 0
///   8  stored length  u32: payload bytes that follow the header
///  12  raw length     u32: payload bytes once decompressed (= stored length when not compressed), ≤ 64 MiB
///  16  events         u32
///  20  payload CRC    u32: CRC-32C of the stored payload
///  24  header CRC     u32: CRC-32C of header bytes 0..<24
/// payload, decompressed:
///   4 × u32           entries in the employee, model, tool and session tables
///   each table entry  u32 length, then that many bytes of UTF-8
///   events × 56 bytes fixed-width records:
///     0 employee u32, 4 session u32 (table indices), 8 model u16, 10 tool u16,
///     12 id length u32, 16 timestamp i64 (epoch ms),
///     24 input u64, 32 output u64, 40 cache write u64, 48 cache read u64
///   the events' ids, back to back, each as long as its record says (the payload ends there)
/// ```
///
/// A sharded log (`ShardedLogWriter`, file flags bit 0) is laid out for one shard map, each block one worker's
/// ingest batch in the protocol's encoding, so a replay into a cluster with that map forwards blocks as they are:
///
/// ```
/// file header as above, flags = 1, then the shard map:
///   u32 length N, then N bytes: u32 slots, u32 workers, per worker u32 length and UTF-8 id,
///   u16 owner (index into the workers) per slot; then u32 CRC-32C of the N bytes
/// blocks as above, with flags bit 1 set (payload is the protocol's EventBatch encoding, docs/PROTOCOL.md)
/// and the reserved field holding the block's worker (index into the map's workers)
/// ```
enum BinaryLogLayout {
    static let fileMagic: [UInt8] = [0x89, 0x54, 0x42, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]
    static let version: UInt32 = 1
    static let fileHeaderSize = 16
    static let blockMagic: UInt32 = 0x4B42_4254
    static let blockHeaderSize = 28
    static let recordSize = 56
    static let flagLZ4: UInt16 = 1
    /// Block flag of a sharded log: the payload is an ingest batch in the protocol's encoding.
    static let flagBatch: UInt16 = 2
    /// File flag: the log is sharded.
    static let fileFlagSharded: UInt32 = 1
    /// The largest decompressed payload a reader accepts; checked before anything is allocated.
    static let maxRawLength = 64 << 20

    /// The header of one block.
    struct BlockHeader: Equatable {
        var flags: UInt16
        var storedLength: Int
        var rawLength: Int
        var events: Int
        var payloadCRC: UInt32
        /// The block's worker in a sharded log; 0 otherwise.
        var worker: Int = 0

        var compressed: Bool { flags & flagLZ4 != 0 }

        func write(to p: UnsafeMutableRawPointer) {
            p.storeBytes(of: blockMagic.littleEndian, toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: flags.littleEndian, toByteOffset: 4, as: UInt16.self)
            p.storeBytes(of: UInt16(worker).littleEndian, toByteOffset: 6, as: UInt16.self)
            p.storeBytes(of: UInt32(storedLength).littleEndian, toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: UInt32(rawLength).littleEndian, toByteOffset: 12, as: UInt32.self)
            p.storeBytes(of: UInt32(events).littleEndian, toByteOffset: 16, as: UInt32.self)
            p.storeBytes(of: payloadCRC.littleEndian, toByteOffset: 20, as: UInt32.self)
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 24))
            p.storeBytes(of: crc.littleEndian, toByteOffset: 24, as: UInt32.self)
        }

        /// Reads a header (of a sharded log's block when `sharded`), or says why the bytes are not one.
        static func read(_ p: UnsafeRawPointer, sharded: Bool = false) -> Result<BlockHeader, HeaderProblem> {
            func u32(_ offset: Int) -> UInt32 {
                UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
            guard u32(0) == blockMagic else { return .failure(.badMagic) }
            guard CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 24)) == u32(24) else {
                return .failure(.badChecksum)
            }
            let flags = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
            let reserved = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
            let header = BlockHeader(
                flags: flags,
                storedLength: Int(u32(8)),
                rawLength: Int(u32(12)),
                events: Int(u32(16)),
                payloadCRC: u32(20),
                worker: sharded ? Int(reserved) : 0
            )
            if sharded {
                guard flags & ~(flagLZ4 | flagBatch) == 0, flags & flagBatch != 0 else {
                    return .failure(.unknownFlags)
                }
            } else {
                guard flags & ~flagLZ4 == 0, reserved == 0 else { return .failure(.unknownFlags) }
            }
            guard header.rawLength <= maxRawLength else { return .failure(.tooLarge(header.rawLength)) }
            let (fixed, record) =
                sharded ? (EventBatch.encodedMinimumSize, EventBatch.encodedEventSize) : (16, recordSize)
            guard fixed + header.events * record <= header.rawLength else {
                return .failure(.inconsistent("\(header.events) events cannot fit \(header.rawLength) bytes"))
            }
            if !header.compressed && header.storedLength != header.rawLength {
                return .failure(
                    .inconsistent("an uncompressed payload of \(header.storedLength) bytes claims \(header.rawLength)")
                )
            }
            if header.compressed && header.storedLength > header.rawLength + header.rawLength / 255 + 16 {
                return .failure(.inconsistent("\(header.storedLength) compressed bytes for \(header.rawLength)"))
            }
            return .success(header)
        }
    }

    /// Why 28 bytes are not a valid block header.
    enum HeaderProblem: Error, Equatable, CustomStringConvertible {
        case badMagic
        case badChecksum
        case unknownFlags
        case tooLarge(Int)
        case inconsistent(String)

        var description: String {
            switch self {
            case .badMagic: return "no block starts here"
            case .badChecksum: return "block header checksum mismatch"
            case .unknownFlags: return "unknown block flags"
            case .tooLarge(let n): return "block of \(n) bytes exceeds the \(maxRawLength)-byte limit"
            case .inconsistent(let detail): return "block header is inconsistent: \(detail)"
            }
        }
    }
}
