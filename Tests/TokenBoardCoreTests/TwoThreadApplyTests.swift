import TokenBoardCore
import TokenBoardWorkload
import XCTest

/// A store applying large batches on two threads (`ShardStore.applyThreads`) ends exactly where one applying them
/// on one thread does, whatever the batches hold: second deliveries, late days, unpriced models, events without a
/// session, and batches too small to split.
final class TwoThreadApplyTests: XCTestCase {
    /// 60,000 generated events over 1,500 employees and 30 days, in time order, plus what a real feed adds.
    private struct Feed {
        var batches: [[UsageEvent]] = []
        /// The events the batches hold once each, and how many were sent again.
        var unique: [UsageEvent] = []
        var resent = 0
    }

    private func feed() throws -> Feed {
        let priceBook = try PriceBook(contentsOf: shippedPriceBookPath())
        var generated: [UsageEvent] = []
        let config = WorkloadConfig(
            employees: 1_500,
            days: 30,
            totalTokens: 1_500 * 700_000_000,
            topTokens: 1_500 * 700_000_000 / 100,
            events: 60_000,
            seed: 11
        )
        _ = try WorkloadGenerator(config: config).generate(priceBook: priceBook) { generated.append($0) }
        var feed = Feed()
        // Unpriced models and events without a session, spread through the month.
        for i in stride(from: 0, to: generated.count, by: 37) { generated[i].model = "acme-unlisted-\(i % 3)" }
        for i in stride(from: 5, to: generated.count, by: 41) { generated[i].session = "" }
        feed.unique = generated
        var position = 0
        // Batch sizes around the split threshold (4,096): large ones split, small ones do not.
        let sizes = [8_192, 4_096, 4_095, 20_000, 700, 9_000]
        var round = 0
        while position < generated.count {
            let size = sizes[round % sizes.count]
            var batch = Array(generated[position..<min(position + size, generated.count)])
            if round % 2 == 1, position > 3_000 {
                // Second deliveries of events of the last batches, within the window of recent ids.
                let again = generated[(position - 3_000)..<(position - 2_500)]
                batch.insert(contentsOf: again, at: batch.count / 2)
                feed.resent += again.count
            }
            feed.batches.append(batch)
            position += size
            round += 1
        }
        // A late batch: events of the first week, sent again with new ids (so they count), after the month.
        let late = generated.prefix(6_000).enumerated().map { i, event in
            var copy = event
            copy.id = "late-\(i)"
            return copy
        }
        feed.batches.append(Array(late))
        feed.unique += late
        return feed
    }

    private func store(applying feed: Feed, threads: Int) throws -> ShardStore {
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        store.applyThreads = threads
        for events in feed.batches {
            var builder = EventBatchBuilder()
            for event in events { XCTAssertTrue(builder.append(event)) }
            try store.apply(builder.take())
        }
        return store
    }

    func testTwoThreadsEndWhereOneThreadEnds() throws {
        let feed = try feed()
        XCTAssertGreaterThan(feed.batches.filter { $0.count >= ShardStore.minimumEventsForTwoThreads }.count, 5)
        XCTAssertGreaterThanOrEqual(feed.batches.filter { $0.count < ShardStore.minimumEventsForTwoThreads }.count, 3)
        let one = try store(applying: feed, threads: 1)
        let two = try store(applying: feed, threads: 2)

        // Against the events themselves.
        let tokens = feed.unique.reduce(UInt64(0)) { $0 + $1.counts.total }
        let anchor = try XCTUnwrap(two.newestDay)
        let board = two.top(k: 100_000, window: .allTime, anchor: anchor, by: .tokens)
        XCTAssertEqual(board.totals.counts.total, tokens)
        XCTAssertEqual(board.entries.count, Set(feed.unique.map(\.employee)).count)
        XCTAssertEqual(two.stats.events, UInt64(feed.unique.count))
        XCTAssertEqual(two.stats.duplicateEvents, UInt64(feed.resent))
        XCTAssertGreaterThan(feed.resent, 0)
        XCTAssertEqual(two.oldestDay, feed.unique.map(\.day).min())
        XCTAssertEqual(anchor, feed.unique.map(\.day).max())

        // Against one thread: every counter, cell, session run and day column.
        XCTAssertEqual(two.stats, one.stats)
        XCTAssertEqual(two.snapshot(), one.snapshot())
        for window in [Window.days(1), .days(7), .allTime] {
            XCTAssertEqual(
                two.top(k: 250, window: window, anchor: anchor, by: .cost),
                one.top(k: 250, window: window, anchor: anchor, by: .cost)
            )
            XCTAssertEqual(
                two.modelTotals(window: window, anchor: anchor),
                one.modelTotals(window: window, anchor: anchor)
            )
        }
    }

    /// A store applies on one thread unless told otherwise.
    func testOneThreadIsTheDefault() throws {
        XCTAssertEqual(ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath())).applyThreads, 1)
    }
}
