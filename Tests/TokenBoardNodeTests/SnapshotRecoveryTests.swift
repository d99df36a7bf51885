import Foundation
import NIOCore
import TokenBoardCore
import TokenBoardNode
import TokenBoardWire
import XCTest

/// Snapshots and the start-up recovery that loads them: every test ends by recovering a data directory and
/// checking the exact counters a worker would serve.
final class SnapshotRecoveryTests: XCTestCase {
    private var directory = ""
    private let prices = try! PriceBook(
        json: Data(
            #"{"models":[{"models":["m"],"provider":"p","input":1,"output":2,"cache_write":3,"cache_read":0.5}]}"#.utf8
        )
    )
    private let map = ShardMap.initial(workers: ["w1"], slotCount: 16)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Batch `n` of producer 1: employee "emp-n" with input n×1000 and output n on 2026-10-0n, keyed "id-n".
    private func request(_ n: Int) -> IngestRequest {
        var builder = EventBatchBuilder()
        builder.append(
            UsageEvent(
                id: "id-\(n)",
                timestampMillis: Day(year: 2026, month: 10, day: n).startMillis + 1,
                employee: "emp-\(n)",
                model: "m",
                counts: TokenCounts(input: UInt64(n) * 1000, output: UInt64(n))
            )
        )
        return IngestRequest(producerID: 1, sequence: UInt64(n), mapVersion: 1, batch: builder.take())
    }

    private func openShard() throws -> Shard {
        let (store, log, summary) = try ShardRecovery.recover(directory: directory, priceBook: prices, policy: .never)
        return Shard(
            workerID: "w1",
            store: store,
            map: map,
            log: log,
            snapshotMillis: summary.snapshotCreatedMillis ?? 0
        )
    }

    private func ingest(_ shard: Shard, _ numbers: ClosedRange<Int>) throws {
        for n in numbers {
            let ack = try shard.handle(Frame(request(n), requestID: UInt64(n))).decode(IngestAck.self)
            XCTAssertEqual(ack.applied, 1)
            XCTAssertFalse(ack.duplicate)
        }
    }

    /// Tokens of batches `numbers`: input n×1000 plus output n each.
    private func tokens(_ numbers: ClosedRange<Int>) -> UInt64 {
        numbers.reduce(0) { $0 + UInt64($1) * 1001 }
    }

    private func allTimeTokens(_ shard: Shard) throws -> UInt64 {
        let reply = try shard.handle(
            Frame(TopQuery(k: 100, window: .allTime, anchor: nil, metric: .tokens), requestID: 9)
        )
        .decode(TopReply.self)
        return reply.totals.counts.total
    }

    func testSnapshotWithoutALogRecoversEverything() throws {
        let shard = try openShard()
        try ingest(shard, 1...5)
        let summary = try XCTUnwrap(try shard.writeSnapshot())
        XCTAssertEqual(summary.events, 5)
        XCTAssertEqual(summary.coveredSegment, 1)
        // The covered segment is gone; only the fresh, empty one remains.
        XCTAssertEqual(WriteAheadLog.segments(in: directory), [2])
        XCTAssertEqual(shard.logBytes, 0)
        for segment in WriteAheadLog.segments(in: directory) {
            try FileManager.default.removeItem(atPath: WriteAheadLog.path(in: directory, segment: segment))
        }

        let recovered = try openShard()
        XCTAssertEqual(recovered.stats.events, 5)
        XCTAssertEqual(recovered.stats.employees, 5)
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...5))
        XCTAssertEqual(recovered.stats.snapshotMillis, summary.createdMillis)
        // The producer's sequence survived: batch 5 again is a duplicate, batch 6 is next.
        XCTAssertTrue(try recovered.handle(Frame(request(5), requestID: 1)).decode(IngestAck.self).duplicate)
        try ingest(recovered, 6...6)
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...6))
    }

    func testSnapshotThenLogTailRecoversBoth() throws {
        let shard = try openShard()
        try ingest(shard, 1...3)
        _ = try shard.writeSnapshot()
        try ingest(shard, 4...7)
        let recovered = try openShard()
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...7))
        XCTAssertEqual(recovered.stats.events, 7)
        // A second generation: snapshot again, more batches, recover again.
        _ = try recovered.writeSnapshot()
        try ingest(recovered, 8...9)
        let again = try openShard()
        XCTAssertEqual(try allTimeTokens(again), tokens(1...9))
        // Left on disk: segment 4 (batches 8 and 9, after the second snapshot) and the fresh segment 5.
        XCTAssertEqual(WriteAheadLog.segments(in: directory), [4, 5])
    }

    func testCrashBetweenSnapshotAndLogTruncationCountsNothingTwice() throws {
        let shard = try openShard()
        try ingest(shard, 1...4)
        let state = try XCTUnwrap(try shard.writeSnapshot())
        // Put the covered segment back, as if the worker died after the rename but before deleting it.
        let covered = WriteAheadLog.path(in: directory, segment: state.coveredSegment)
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: state.coveredSegment)
        for n in 1...4 { try log.append(WriteAheadLog.record(of: request(n))) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: covered))
        let recovered = try openShard()
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...4))
        XCTAssertFalse(FileManager.default.fileExists(atPath: covered))
    }

    func testDamagedSnapshotStopsStartUpNamingFileAndOffset() throws {
        let shard = try openShard()
        try ingest(shard, 1...3)
        _ = try shard.writeSnapshot()
        let path = SnapshotFile.path(in: directory)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(size - 2))
        handle.write(Data([0xFF]))
        try handle.close()
        XCTAssertThrowsError(try openShard()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("damaged at offset 40"), text)
        }
    }

    func testLeftoverTemporaryFileFromACrashedSnapshotIsIgnored() throws {
        let shard = try openShard()
        try ingest(shard, 1...2)
        _ = try shard.writeSnapshot()
        try ingest(shard, 3...3)
        let temporary = SnapshotFile.path(in: directory) + ".tmp"
        try Data("half a snapshot".utf8).write(to: URL(fileURLWithPath: temporary))
        let recovered = try openShard()
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...3))
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary))
    }

    func testFailedSnapshotKeepsTheLogAndLosesNothing() throws {
        let shard = try openShard()
        try ingest(shard, 1...3)
        // /dev/full fails every write with ENOSPC: the disk filled up during the snapshot.
        try FileManager.default.createSymbolicLink(
            atPath: SnapshotFile.path(in: directory) + ".tmp",
            withDestinationPath: "/dev/full"
        )
        XCTAssertThrowsError(try shard.writeSnapshot()) { error in
            XCTAssertTrue("\(error)".contains("No space left on device"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: SnapshotFile.path(in: directory)))
        try ingest(shard, 4...4)
        let recovered = try openShard()
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...4))
        XCTAssertEqual(recovered.stats.snapshotMillis, 0)
    }

    func testKeyedEventSeenBeforeTheSnapshotIsStillADuplicateAfterIt() throws {
        let shard = try openShard()
        try ingest(shard, 1...2)
        _ = try shard.writeSnapshot()
        let recovered = try openShard()
        // The same event id (id-2) under a new batch number: dropped by the id window restored from the snapshot.
        var resent = request(2)
        resent.sequence = 3
        let ack = try recovered.handle(Frame(resent, requestID: 1)).decode(IngestAck.self)
        XCTAssertEqual(ack.applied, 0)
        XCTAssertEqual(recovered.stats.duplicateEvents, 1)
        XCTAssertEqual(try allTimeTokens(recovered), tokens(1...2))
    }
}
