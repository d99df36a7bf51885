import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// The sharded log's framing: its map, its blocks as written, and damage reported with the block's offset.
final class ShardedLogTests: XCTestCase {
    /// Bytes before the first block: the file header (16), the map's length (4), the map (51: slot and worker
    /// counts, ids of 3, 9 and 3 bytes each after its length, 8 owners of 2 bytes) and its checksum (4).
    private let prelude: Int = 16 + 4 + 51 + 4
    private let map = ShardMap(version: 9, workers: ["w-a", "wörker-b", "w-c"], owners: [2, 0, 1, 1, 0, 2, 2, 1])

    /// Writes blocks `1...n`, block k a payload of 100 × k bytes (each byte k), every second one marked compressed
    /// (from 300 × k bytes), and returns the path.
    private func writeLog(_ folder: TemporaryFolder, blocks: Int) throws -> String {
        let path = folder.file("log.sharded")
        let writer = try ShardedLogWriter(path: path, map: map)
        for n in 1...blocks {
            let payload = [UInt8](repeating: UInt8(n), count: 100 * n)
            try payload.withUnsafeBytes {
                try writer.writeBlock(
                    worker: n % 3,
                    events: n,
                    rawLength: n % 2 == 0 ? 300 * n : 100 * n,
                    compressed: n % 2 == 0,
                    payload: $0
                )
            }
        }
        try writer.close()
        return path
    }

    func testBlocksAndTheMapReadBackAsWritten() throws {
        let folder = try TemporaryFolder()
        let path = try writeLog(folder, blocks: 5)
        XCTAssertTrue(ShardedLogReader.isSharded(path: path))
        let reader = try ShardedLogReader(path: path)
        XCTAssertEqual(reader.map, ShardMap(version: 0, workers: map.workers, owners: map.owners))
        var seen: [ShardedLogBlock] = []
        while let block = try reader.next() { seen.append(block) }
        XCTAssertEqual(seen.map(\.worker), [1, 2, 0, 1, 2])
        XCTAssertEqual(seen.map(\.events), [1, 2, 3, 4, 5])
        XCTAssertEqual(seen.map(\.rawLength), [100, 600, 300, 1200, 500])
        XCTAssertEqual(seen.map(\.compressed), [false, true, false, true, false])
        XCTAssertEqual(seen.map(\.payload), (1...5).map { [UInt8](repeating: UInt8($0), count: 100 * $0) })
        XCTAssertEqual(reader.events, 15)
        XCTAssertEqual(reader.bytesRead, reader.fileSize)
        let blockBytes: Int = 5 * 28 + 1500
        XCTAssertEqual(reader.fileSize, Int64(prelude + blockBytes))
    }

    func testADamagedPayloadIsReportedWithItsBlocksOffset() throws {
        let folder = try TemporaryFolder()
        let path = try writeLog(folder, blocks: 3)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let second: Int = prelude + 28 + 100
        bytes[second + 28 + 7] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try ShardedLogReader(path: path)
        XCTAssertNotNil(try reader.next())
        XCTAssertThrowsError(try reader.next()) { error in
            let line = error as? LogLineError
            XCTAssertEqual(line?.byteOffset, Int64(second))
            XCTAssertTrue("\(error)".contains("payload checksum mismatch"), "\(error)")
        }
    }

    func testATornLastBlockIsReported() throws {
        let folder = try TemporaryFolder()
        let path = try writeLog(folder, blocks: 2)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let cut: Int = prelude + 28 + 100 + 28 + 50
        try handle.truncate(atOffset: UInt64(cut))
        try handle.close()
        let reader = try ShardedLogReader(path: path)
        XCTAssertNotNil(try reader.next())
        XCTAssertThrowsError(try reader.next()) {
            XCTAssertTrue("\($0)".contains("50 bytes into a payload of 200"), "\($0)")
        }
    }

    func testADamagedMapIsRefusedAndOtherReadersReferToReplay() throws {
        let folder = try TemporaryFolder()
        let path = try writeLog(folder, blocks: 1)
        XCTAssertThrowsError(try BinaryLogReader(path: path)) { error in
            XCTAssertTrue("\(error)".contains("only tokenboard replay reads it"), "\(error)")
        }
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[16 + 4 + 12] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ShardedLogReader(path: path)) { error in
            XCTAssertTrue("\(error)".contains("its shard map is damaged: checksum mismatch"), "\(error)")
        }
        let text = try folder.write("plain.jsonl", "{}\n")
        XCTAssertFalse(ShardedLogReader.isSharded(path: text))
        XCTAssertThrowsError(try ShardedLogReader(path: text))
    }
}
