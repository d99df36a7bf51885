import XCTest

@testable import TokenBoardCore

/// Day columns exist only for days with events, so one event dated years before the rest costs one column (it
/// used to cost one per day in between, each as long as the employee table: gigabytes), and every window still
/// sums exactly.
final class DayColumnsTests: XCTestCase {
    private let day = Day(year: 2026, month: 10, day: 20)
    private let old = Day(year: 2017, month: 3, day: 1)

    private func event(_ employee: String, on day: Day, input: UInt64) -> UsageEvent {
        UsageEvent(
            timestampMillis: day.startMillis + 3_600_000,
            employee: employee,
            model: "claude-haiku-4-5",
            counts: TokenCounts(input: input, output: 0, cacheWrite: 0, cacheRead: 0)
        )
    }

    private func apply(_ events: [UsageEvent], to store: inout ShardStore) throws {
        var builder = EventBatchBuilder()
        for event in events { XCTAssertTrue(builder.append(event)) }
        XCTAssertEqual(try store.apply(builder.take()), events.count)
    }

    /// 2,000 employees with 100 input tokens each on `day`; the last one also 7 tokens on a day 3,520 days
    /// earlier; the first one also 50 tokens two days later.
    private func store() throws -> ShardStore {
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        let names = (0..<2000).map { "emp-\($0)" }
        try apply(names.map { event($0, on: day, input: 100) }, to: &store)
        try apply([event("emp-1999", on: old, input: 7)], to: &store)
        try apply([event("emp-0", on: day.adding(days: 2), input: 50)], to: &store)
        return store
    }

    func testOnlyDaysWithEventsHaveColumns() throws {
        let store = try store()
        XCTAssertEqual(day.number - old.number, 3520)
        XCTAssertEqual(store.days.days, [old.number, day.number, day.number + 2])
        XCTAssertEqual(store.days.columns.count, 3)
    }

    func testWindowsOverTheGapsAreExact() throws {
        let store = try store()
        let newest = day.adding(days: 2)
        func top(_ window: Window, _ anchor: Day) -> ShardTop {
            store.top(k: 3, window: window, anchor: anchor, by: .tokens)
        }
        let all = top(.allTime, newest)
        XCTAssertEqual(all.totals.counts.total, 2000 * 100 + 7 + 50)
        XCTAssertEqual(all.totals.activeEmployees, 2000)
        XCTAssertEqual(all.entries.map(\.employee), ["emp-0", "emp-1999", "emp-1"])
        XCTAssertEqual(all.entries.map(\.tokens), [150, 107, 100])
        // A day without events, between two with: nobody active.
        let gap = top(.days(1), day.adding(days: 1))
        XCTAssertEqual(gap.totals.activeEmployees, 0)
        XCTAssertEqual(gap.entries, [])
        // Ending on a gap day, reaching back over `day`.
        let week = top(.days(7), day.adding(days: 1))
        XCTAssertEqual(week.totals.counts.total, 200_000)
        // The old day alone, and long windows that stop short of it or reach it.
        let then = top(.days(1), old)
        XCTAssertEqual(then.entries.map(\.employee), ["emp-1999"])
        XCTAssertEqual(then.totals.counts.total, 7)
        XCTAssertEqual(top(.days(3000), newest).totals.counts.total, 200_050)
        XCTAssertEqual(top(.days(3523), newest).totals.counts.total, 200_057)
        XCTAssertEqual(top(.days(30), old.adding(days: 29)).totals.counts.total, 7)
        // Spend by model over the same windows.
        XCTAssertEqual(store.modelTotals(window: .days(3000), anchor: newest).map(\.counts.input), [200_050])
        XCTAssertEqual(store.modelTotals(window: .days(1), anchor: day.adding(days: 1)), [])
    }

    func testSnapshotsKeepOnlyDaysWithEvents() throws {
        let store = try store()
        let anchors = [old, day, day.adding(days: 1), day.adding(days: 2)]
        func answers(_ store: ShardStore) -> [ShardTop] {
            anchors.flatMap { anchor in
                [Window.days(1), .days(7), .days(3000), .allTime].map {
                    store.top(k: 5, window: $0, anchor: anchor, by: .tokens)
                }
            }
        }
        let bytes = store.snapshot()
        XCTAssertLessThan(bytes.count, 3 * 2000 * 28 + 200_000, "three columns, not 3,523")
        let loaded = try ShardStore(snapshot: bytes, priceBook: store.priceBook)
        XCTAssertEqual(loaded.days.days, store.days.days)
        XCTAssertEqual(answers(loaded), answers(store))
        XCTAssertEqual(loaded.snapshot(), bytes)
    }

    /// Layout 3 holds a column for every day from the first; loading it keeps only the days with events.
    func testOlderLayoutsLoadWithoutTheirEmptyDays() throws {
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        try apply(
            [
                event("a", on: day, input: 5), event("b", on: day.adding(days: -40), input: 9),
                event("a", on: day.adding(days: -3), input: 11),
            ],
            to: &store
        )
        let v3 = store.snapshot(layout: 3)
        let loaded = try ShardStore(snapshot: v3, priceBook: store.priceBook)
        XCTAssertEqual(loaded.days.days, [day.number - 40, day.number - 3, day.number])
        for anchor in (-41...1).map({ day.adding(days: $0) }) {
            for window in [Window.days(1), .days(2), .days(7), .days(38), .allTime] {
                XCTAssertEqual(
                    loaded.top(k: 5, window: window, anchor: anchor, by: .tokens),
                    store.top(k: 5, window: window, anchor: anchor, by: .tokens),
                    "\(window) at \(anchor)"
                )
            }
        }
        XCTAssertEqual(loaded.snapshot(layout: 3), v3, "written back as layout 3, the empty days come back")
    }
}
