import Foundation
import Synchronization
import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

/// Moving past data to the spill file must change where bytes live, never what they are: the same values read
/// back, writes after the move stick, a snapshot's copy of the store keeps what it saw, and the moved memory is no
/// longer anonymous, nor resident once unmapped.
final class SpillFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "spill-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testTheFileIsGoneFromTheDirectoryOnceOpened() throws {
        _ = try SpillFile(directory: directory)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [])
        XCTAssertThrowsError(try SpillFile(directory: directory + "/missing"))
    }

    /// A pool's full segments but the newest move on request; they read back unchanged from the file, and a write
    /// to a moved segment sticks.
    func testFullSegmentsMoveAndReadBack() throws {
        let file = try SpillFile(directory: directory)
        var pool = SegmentedArray<UInt64>()
        let segment = SegmentedArray<UInt64>.segmentSize
        let count = 2 * segment + 1_000
        for i in 0..<count { pool.append(UInt64(i) &* 0x9e37_79b9_7f4a_7c15) }
        XCTAssertEqual(file.usage.regions, 0, "nothing moves while the pool is written")
        // The two full segments move; the third is being written.
        XCTAssertEqual(pool.moveFullSegments(to: file), 2 * segment * 8)
        XCTAssertEqual(file.usage.regions, 2)
        XCTAssertEqual(file.usage.bytes, 2 * segment * 8)
        XCTAssertEqual(pool.moveFullSegments(to: file), 0, "a segment moves once")
        for i in stride(from: 0, to: count, by: 997) { XCTAssertEqual(pool[i], UInt64(i) &* 0x9e37_79b9_7f4a_7c15) }
        XCTAssertEqual(pool[segment - 1], UInt64(segment - 1) &* 0x9e37_79b9_7f4a_7c15)

        pool[5] = 42
        XCTAssertEqual(pool[5], 42)
        XCTAssertEqual(pool[6], 6 &* 0x9e37_79b9_7f4a_7c15)
    }

    /// A copy (a snapshot's) shares the moved segments; a write to one gives the writer a copy, moved to the file
    /// again, and the reader keeps the old value. Dropping the last holder gives the region back.
    func testACopyKeepsWhatItSawAndRegionsAreGivenBack() throws {
        let file = try SpillFile(directory: directory)
        var pool = SegmentedArray<UInt64>()
        let segment = SegmentedArray<UInt64>.segmentSize
        for i in 0..<(segment + 1) { pool.append(UInt64(i)) }
        pool.moveFullSegments(to: file)
        XCTAssertEqual(file.usage.regions, 1)
        do {
            let copy = pool
            pool[10] = 1_000
            XCTAssertEqual(copy[10], 10)
            XCTAssertEqual(pool[10], 1_000)
            XCTAssertEqual(file.usage.regions, 2, "the writer's copy of a moved segment is moved too")
        }
        XCTAssertEqual(file.usage.regions, 1, "the copy's region is given back when it is dropped")
        pool.removeAll()
        XCTAssertEqual(file.usage.regions, 0)
        XCTAssertEqual(file.usage.bytes, 0)
    }

    /// The point of the move: the pages are no longer anonymous memory, not even after a write; and the pages
    /// reads and writes mapped can be unmapped again without losing the write.
    func testMovedPagesAreNoLongerAnonymousAndUnmapWithoutLoss() throws {
        #if os(Linux)
            let file = try SpillFile(directory: directory)
            var column = PagedArray<UInt64>()
            column.extend(toCount: 100_000)
            column.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = UInt64(i) }
            }
            let address = column.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            // At least the 196 pages written (a neighbouring anonymous mapping may have merged with this one).
            XCTAssertGreaterThanOrEqual(try ProcessMappings.kilobytes("Anonymous", at: address), 784)
            XCTAssertEqual(column.moveToFile(file), 196 * 4096)
            XCTAssertEqual(try ProcessMappings.kilobytes("Anonymous", at: address), 0)
            XCTAssertEqual(try ProcessMappings.kilobytes("Rss", at: address), 0, "nothing mapped until read")
            XCTAssertEqual(column[99_999], 99_999)
            column[50_000] = 7
            XCTAssertEqual(
                try ProcessMappings.kilobytes("Anonymous", at: address),
                0,
                "a write goes to the file's page"
            )
            // At least the page read and the page written: a fault maps the whole large folio the page cache
            // may hold it in.
            XCTAssertGreaterThanOrEqual(try ProcessMappings.kilobytes("Rss", at: address), 8)
            XCTAssertEqual(file.cachedBytes, 196 * 4096, "every page is in the page cache, mapped or not")

            file.unmapPages()
            XCTAssertEqual(try ProcessMappings.kilobytes("Rss", at: address), 0)
            XCTAssertEqual(column[50_000], 7, "the write survives the unmapping")
            XCTAssertEqual(column[50_001], 50_001)
            XCTAssertEqual(column[0], 0)
        #endif
    }

    /// A store that moves its past days to the file ends exactly as one that does not: same snapshot bytes and
    /// same answers, with events weeks late (writing moved columns and cells), and a snapshot's copy of the store
    /// taken halfway keeps the state it was taken in.
    func testAStoreWithASpillFileEndsTheSame() throws {
        let prices = try PriceBook(contentsOf: shippedPriceBookPath())
        let file = try SpillFile(directory: directory)
        var spilling = ShardStore(priceBook: prices, spillFile: file)
        var plain = ShardStore(priceBook: prices)
        var rng = SplitMix64(seed: 29)
        let start = Day(number: 20_700).startMillis
        var halfway: (copy: ShardStore, bytes: [UInt8])?
        // 40 days of 2,000 employees, each event in its own (day, model, tool) cell often enough to fill more
        // than one segment of the cell pool (65,536 cells).
        for day in 0..<40 {
            var builder = EventBatchBuilder()
            for i in 0..<2_500 {
                // One event in eight lands up to 20 days before the current day.
                let back = Int.random(in: 0..<8, using: &rng) == 0 ? Int.random(in: 0...min(day, 20), using: &rng) : 0
                let employee = Int.random(in: 0..<2_000, using: &rng)
                let event = UsageEvent(
                    id: "e-\(day)-\(i)",
                    timestampMillis: start + Int64(day - back) * 86_400_000 + Int64(i) * 30_000,
                    employee: "emp-\(employee)",
                    model: ["claude-opus-4-5", "gpt-5", "gemini-2.5-flash", "acme-7b"].randomElement(using: &rng)!,
                    tool: ["claude-code", "cursor", "codex"].randomElement(using: &rng)!,
                    session: "s-\(employee)-\(day)",
                    counts: TokenCounts(
                        input: UInt64.random(in: 0...5_000, using: &rng),
                        output: UInt64.random(in: 0...500, using: &rng),
                        cacheWrite: UInt64.random(in: 0...100, using: &rng),
                        cacheRead: UInt64.random(in: 0...50_000, using: &rng)
                    )
                )
                XCTAssertTrue(builder.append(event))
            }
            let batch = builder.take()
            try spilling.apply(batch)
            try plain.apply(batch)
            // As a worker does when ingest pauses: later batches then write moved columns, cells and runs.
            spilling.movePastDays()
            // And as it does after that: every page batches and queries mapped is unmapped again.
            if day % 3 == 0 { file.unmapPages() }
            // And the pools' unused pages go back every other day, some while the halfway copy shares them.
            if day % 2 == 0 { spilling.releaseUnusedPoolPages() }
            if day == 25 { halfway = (spilling, plain.snapshot()) }
        }
        XCTAssertGreaterThan(file.usage.regions, 30, "cell segments and past columns were moved")
        XCTAssertEqual(spilling.snapshot(), plain.snapshot())
        let halfwayState = try XCTUnwrap(halfway)
        XCTAssertEqual(halfwayState.copy.snapshot(), halfwayState.bytes)
        let anchor = try XCTUnwrap(plain.newestDay)
        for window in [Window.days(1), .days(7), .days(30), .allTime] {
            XCTAssertEqual(
                spilling.top(k: 250, window: window, anchor: anchor, by: .cost),
                plain.top(k: 250, window: window, anchor: anchor, by: .cost)
            )
        }
        // Loading a snapshot into a store with a spill file moves its past days straight away.
        let reloadFile = try SpillFile(directory: directory)
        let reloaded = try ShardStore(snapshot: plain.snapshot(), priceBook: prices, spillFile: reloadFile)
        XCTAssertGreaterThan(reloadFile.usage.regions, 30)
        XCTAssertEqual(reloaded.snapshot(), plain.snapshot())
    }

    /// Beyond its region limit the file refuses a move, and the refused block keeps its bytes in anonymous memory,
    /// writable as before.
    func testAMoveBeyondTheRegionLimitIsRefusedAndTheBlockStaysAsItWas() throws {
        let file = try SpillFile(directory: directory, maxRegions: 3)
        var columns = (0..<5).map { n in
            var column = PagedArray<UInt64>()
            column.extend(toCount: 1_000)
            column.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = UInt64(n * 1_000 + i) }
            }
            return column
        }
        let moved = columns.map { $0.moveToFile(file) }
        XCTAssertEqual(moved, [8192, 8192, 8192, 0, 0])
        XCTAssertEqual(file.usage.regions, 3)
        XCTAssertEqual(file.usage.bytes, 3 * 8192)
        for n in columns.indices {
            columns[n][999] += 1
            XCTAssertEqual(columns[n][0], UInt64(n * 1_000))
            XCTAssertEqual(columns[n][999], UInt64(n * 1_000 + 1_000))
        }
        // A region given back makes room for one more.
        columns.removeFirst()
        XCTAssertEqual(file.usage.regions, 2)
        XCTAssertEqual(columns[2].moveToFile(file), 8192)
        XCTAssertEqual(columns[3].moveToFile(file), 0)
        XCTAssertEqual(file.usage.regions, 3)
    }

    /// Moves on several threads at once (the store's and a snapshot copy's) share the limit: never more regions
    /// than it allows, and exactly that many when more are asked for. Repeated, so that threads meet near the
    /// limit while another is still writing its block.
    func testMovesOnManyThreadsAtOnceNeverPassTheRegionLimit() throws {
        let threads = 4
        let perThread = 6
        let limit = 10
        for round in 0..<20 {
            let file = try SpillFile(directory: directory, maxRegions: limit)
            let blocks = (0..<threads * perThread).map { n in
                let block = PageBlock(byteCount: 1 << 16, hugePages: false)
                block.base.storeBytes(of: UInt64(n), as: UInt64.self)
                return block
            }
            let moved = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                for block in blocks[t * perThread..<(t + 1) * perThread]
                where block.moveToFile(file, usedBytes: 1 << 16) > 0 {
                    moved.withLock { $0 += 1 }
                }
            }
            XCTAssertEqual(moved.withLock { $0 }, limit, "round \(round)")
            XCTAssertEqual(file.usage.regions, limit, "round \(round)")
            XCTAssertEqual(file.usage.bytes, limit << 16, "round \(round)")
            for (n, block) in blocks.enumerated() { XCTAssertEqual(block.base.load(as: UInt64.self), UInt64(n)) }
        }
    }
}
