import Foundation
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

@testable import TokenBoardClient

/// `LogSharder` lays events out per worker; read back, each worker's blocks hold exactly its employees' events in
/// order, counted independently by routing every event with `ShardMap.owner(of:)`.
final class LogSharderTests: XCTestCase {
    private func events(_ count: Int, seed: UInt64) -> [UsageEvent] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let employee = Int.random(in: 0..<500, using: &rng)
            return UsageEvent(
                id: "e-\(i)",
                timestampMillis: 1_790_000_000_000 + Int64(i),
                employee: "emp-\(employee)",
                model: ["m-a", "m-b", "m-c"][Int.random(in: 0..<3, using: &rng)],
                tool: ["", "cursor"][Int.random(in: 0..<2, using: &rng)],
                session: "s-\(employee)-\(Int.random(in: 0..<3, using: &rng))",
                counts: TokenCounts(input: UInt64(i), output: 1, cacheWrite: 2, cacheRead: UInt64(employee))
            )
        }
    }

    func testEachWorkersBlocksHoldItsEventsInOrder() throws {
        let map = ShardMap.initial(workers: ["w1", "w2", "w3"], slotCount: 64)
        let source = events(10_000, seed: 11)
        let path = NSTemporaryDirectory() + "sharder-\(UUID().uuidString).sharded"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try ShardedLogWriter(path: path, map: map)
        var sharder = LogSharder(writer: writer, eventsPerBlock: 700)
        // Source batches of uneven sizes, as a chain of logs hands them out.
        var start = 0
        for size in [1, 4000, 999, 5000] {
            try sharder.append(EventBatch(converting: source[start..<(start + size)]))
            start += size
        }
        try sharder.finish()
        try writer.close()
        XCTAssertEqual(sharder.events, 10_000)

        let reader = try ShardedLogReader(path: path)
        XCTAssertEqual(reader.map.workers, map.workers)
        XCTAssertEqual(reader.map.owners, map.owners)
        var received: [[UsageEvent]] = Array(repeating: [], count: 3)
        var blocks = 0
        var blocksOf = [0, 0, 0]
        while let block = try reader.next() {
            blocksOf[block.worker] += 1
            let batch = try PreparedBatch(block).decoded()
            XCTAssertLessThanOrEqual(batch.events.count, 700)
            XCTAssertNoThrow(try batch.validate())
            received[block.worker] += batch.usageEvents
            blocks += 1
        }
        XCTAssertEqual(blocks, sharder.blocks)
        for (index, worker) in map.workers.enumerated() {
            let expected = source.filter { map.owner(of: $0.employee) == worker }
            XCTAssertGreaterThan(expected.count, 2000)
            // Ids travel as their digests only, so the events compare without them.
            XCTAssertEqual(received[index].map(\.employee), expected.map(\.employee), worker)
            XCTAssertEqual(received[index].map(\.counts), expected.map(\.counts), worker)
            XCTAssertEqual(received[index].map(\.session), expected.map(\.session), worker)
            XCTAssertEqual(received[index].map(\.model), expected.map(\.model), worker)
            XCTAssertEqual(received[index].map(\.tool), expected.map(\.tool), worker)
            XCTAssertEqual(received[index].map(\.timestampMillis), expected.map(\.timestampMillis), worker)
            // Blocks fill up to 700 events before the next starts.
            XCTAssertEqual(blocksOf[index], (expected.count + 699) / 700, worker)
        }
    }

    func testOnlyAnUnpacedUnlimitedReplayIntoTheSameMapForwardsBlocks() {
        let recorded = ShardMap(version: 0, workers: ["w1", "w2"], owners: [0, 1, 1, 0])
        let same = ShardMap(version: 5, workers: ["w1", "w2"], owners: [0, 1, 1, 0])
        var options = ReplayOptions()
        XCTAssertNil(Replayer.repartitionReason(recorded: recorded, cluster: same, options: options))
        let moved = ShardMap(version: 6, workers: ["w1", "w2"], owners: [0, 1, 0, 0])
        XCTAssertEqual(
            Replayer.repartitionReason(recorded: recorded, cluster: moved, options: options),
            "the log is sharded for workers w1,w2 over 4 slots, and the cluster's shard map v6 (workers w1,w2 over 4 slots) routes differently"
        )
        let other = ShardMap(version: 1, workers: ["w1", "w3"], owners: [0, 1, 1, 0])
        XCTAssertNotNil(Replayer.repartitionReason(recorded: recorded, cluster: other, options: options))
        options.limit = 10
        XCTAssertEqual(
            Replayer.repartitionReason(recorded: recorded, cluster: same, options: options),
            "the replay stops at an event limit"
        )
        options.limit = nil
        options.pacing = .rate(eventsPerSecond: 1000)
        XCTAssertNotNil(Replayer.repartitionReason(recorded: recorded, cluster: same, options: options))
    }
}
