import Foundation
import TokenBoardCore
import XCTest

/// A scenario small enough to work out by hand.
///
/// Prices (nano-dollars per token): `claude-haiku-4-5` (H) input 1000, output 5000, cache write 1250, cache read
/// 100; `acme-experimental-7b` (X) is not in the book. Days: D0 = 2026-10-01 (20727), D-3 = 2026-09-28,
/// D-40 = 2026-08-22. Counts are [input, output, cache write, cache read].
///
///     e1  D0    alice  H  claude-code  [60, 50, 0, 1000]       cost 60,000 + 250,000 + 100,000 = 410,000
///     e2  D0    alice  H  claude-code  [40, 0, 0, 0]           cost 40,000           (same cell as e1)
///     e3  D0    bob    X  cursor       [1000, 150, 0, 0]       unpriced, 1,150 tokens
///     e4  D-3   alice  X  cursor       [200, 100, 0, 0]        unpriced, 300 tokens
///     e5  D-3   bob    H  claude-code  [100, 0, 0, 200]        cost 100,000 + 20,000 = 120,000
///     e6  D-3   carol  H  cursor       [500, 200, 400, 2000]   cost 500,000 + 1,000,000 + 500,000 + 200,000
///                                                                   = 2,200,000
///     e7  D-40  carol  H  claude-code  [1000, 1000, 0, 0]      cost 1,000,000 + 5,000,000 = 6,000,000
///     e8  D-40  bob    X  claude-code  [3650, 0, 0, 0]         unpriced, 3,650 tokens
final class ShardStoreScenarioTests: XCTestCase {
    static let d0 = Day(number: 20727)
    static let h = "claude-haiku-4-5"
    static let x = "acme-experimental-7b"

    private func makeStore() throws -> ShardStore {
        let prices = try PriceBook(
            json: Data(
                #"""
                {"note": "test", "models": [{"models": ["claude-haiku-4-5"], "provider": "anthropic",
                  "input": 1, "output": 5, "cache_write": 1.25, "cache_read": 0.1}]}
                """#.utf8
            )
        )
        var store = ShardStore(priceBook: prices)
        func event(_ offset: Int64, _ employee: String, _ model: String, _ tool: String, _ c: [UInt64]) -> UsageEvent {
            UsageEvent(
                // Noon, so each event sits well inside its day.
                timestampMillis: (20727 + offset) * 86_400_000 + 43_200_000,
                employee: employee,
                model: model,
                tool: tool,
                session: "session-\(employee)",
                counts: TokenCounts(input: c[0], output: c[1], cacheWrite: c[2], cacheRead: c[3])
            )
        }
        let e1 = event(0, "alice", Self.h, "claude-code", [60, 50, 0, 1000])
        let e2 = event(0, "alice", Self.h, "claude-code", [40, 0, 0, 0])
        let e3 = event(0, "bob", Self.x, "cursor", [1000, 150, 0, 0])
        let e4 = event(-3, "alice", Self.x, "cursor", [200, 100, 0, 0])
        let e5 = event(-3, "bob", Self.h, "claude-code", [100, 0, 0, 200])
        let e6 = event(-3, "carol", Self.h, "cursor", [500, 200, 400, 2000])
        let e7 = event(-40, "carol", Self.h, "claude-code", [1000, 1000, 0, 0])
        let e8 = event(-40, "bob", Self.x, "claude-code", [3650, 0, 0, 0])
        // Two batches, out of time order.
        for events in [[e7, e1, e3, e4], [e2, e5, e6, e8]] {
            var builder = EventBatchBuilder()
            for e in events { XCTAssertTrue(builder.append(e)) }
            XCTAssertEqual(try store.apply(builder.take()), 4)
        }
        return store
    }

    private func ranked(_ name: String, _ c: [UInt64], cost: UInt64, unpriced: UInt64 = 0) -> RankedEmployee {
        RankedEmployee(
            employee: name,
            counts: TokenCounts(input: c[0], output: c[1], cacheWrite: c[2], cacheRead: c[3]),
            cost: cost,
            unpricedTokens: unpriced
        )
    }

    private func counts(_ c: [UInt64]) -> TokenCounts {
        TokenCounts(input: c[0], output: c[1], cacheWrite: c[2], cacheRead: c[3])
    }

    // 1d at D0: alice e1+e2, bob e3.
    private lazy var alice1d = ranked("alice", [100, 50, 0, 1000], cost: 450_000)  // 1,150 tokens
    private lazy var bob1d = ranked("bob", [1000, 150, 0, 0], cost: 0, unpriced: 1150)  // 1,150 tokens
    // 7d (D-6...D0): adds D-3.
    private lazy var alice7d = ranked("alice", [300, 150, 0, 1000], cost: 450_000, unpriced: 300)  // 1,450
    private lazy var bob7d = ranked("bob", [1100, 150, 0, 200], cost: 120_000, unpriced: 1150)  // 1,450
    private lazy var carol7d = ranked("carol", [500, 200, 400, 2000], cost: 2_200_000)  // 3,100
    // All time: adds D-40.
    private lazy var aliceAll = alice7d  // 1,450
    private lazy var bobAll = ranked("bob", [4750, 150, 0, 200], cost: 120_000, unpriced: 4800)  // 5,100
    private lazy var carolAll = ranked("carol", [1500, 1200, 400, 2000], cost: 8_200_000)  // 5,100

    func testTopOneDay() throws {
        let store = try makeStore()
        let d0 = Self.d0
        // Tokens tie at 1,150: "alice" < "bob".
        XCTAssertEqual(store.top(k: 10, window: .days(1), anchor: d0, by: .tokens).entries, [alice1d, bob1d])
        XCTAssertEqual(store.top(k: 10, window: .days(1), anchor: d0, by: .cost).entries, [alice1d, bob1d])
        XCTAssertEqual(store.top(k: 10, window: .days(1), anchor: d0, by: .output).entries, [bob1d, alice1d])
        let totals = store.top(k: 10, window: .days(1), anchor: d0, by: .tokens).totals
        XCTAssertEqual(
            totals,
            WindowTotals(counts: counts([1100, 200, 0, 1000]), cost: 450_000, unpricedTokens: 1150, activeEmployees: 2)
        )
        XCTAssertEqual(totals.tokens, 2300)
    }

    func testTopSevenDays() throws {
        let store = try makeStore()
        let d0 = Self.d0
        // Tokens: carol 3,100; alice and bob tie at 1,450.
        XCTAssertEqual(store.top(k: 10, window: .days(7), anchor: d0, by: .tokens).entries, [carol7d, alice7d, bob7d])
        XCTAssertEqual(store.top(k: 10, window: .days(7), anchor: d0, by: .cost).entries, [carol7d, alice7d, bob7d])
        // Output: carol 200; alice and bob tie at 150.
        XCTAssertEqual(store.top(k: 10, window: .days(7), anchor: d0, by: .output).entries, [carol7d, alice7d, bob7d])
        XCTAssertEqual(
            store.top(k: 10, window: .days(7), anchor: d0, by: .cost).totals,
            WindowTotals(
                counts: counts([1900, 500, 400, 3200]),
                cost: 2_770_000,
                unpricedTokens: 1450,
                activeEmployees: 3
            )
        )
        // Nothing between D-29 and D-4, so 30 days answer the same as 7.
        XCTAssertEqual(
            store.top(k: 10, window: .days(30), anchor: d0, by: .tokens),
            store.top(k: 10, window: .days(7), anchor: d0, by: .tokens)
        )
    }

    func testTopAllTime() throws {
        let store = try makeStore()
        let d0 = Self.d0
        // Tokens: bob and carol tie at 5,100 ("bob" < "carol"); alice 1,450.
        XCTAssertEqual(
            store.top(k: 10, window: .allTime, anchor: d0, by: .tokens).entries,
            [bobAll, carolAll, aliceAll]
        )
        XCTAssertEqual(store.top(k: 10, window: .allTime, anchor: d0, by: .cost).entries, [carolAll, aliceAll, bobAll])
        XCTAssertEqual(
            store.top(k: 10, window: .allTime, anchor: d0, by: .output).entries,
            [carolAll, aliceAll, bobAll]
        )
        XCTAssertEqual(
            store.top(k: 10, window: .allTime, anchor: d0, by: .output).totals,
            WindowTotals(
                counts: counts([6550, 1500, 400, 3200]),
                cost: 8_770_000,
                unpricedTokens: 5100,
                activeEmployees: 3
            )
        )
        // The anchor does not matter for all time.
        XCTAssertEqual(
            store.top(k: 10, window: .allTime, anchor: Day(number: -5), by: .tokens),
            store.top(k: 10, window: .allTime, anchor: d0, by: .tokens)
        )
    }

    func testTopCutsAtKAndKeepsTotals() throws {
        let store = try makeStore()
        let all = store.top(k: 10, window: .allTime, anchor: Self.d0, by: .tokens)
        let one = store.top(k: 1, window: .allTime, anchor: Self.d0, by: .tokens)
        XCTAssertEqual(one.entries, [bobAll])
        XCTAssertEqual(one.totals, all.totals)
        XCTAssertEqual(store.top(k: 2, window: .allTime, anchor: Self.d0, by: .cost).entries, [carolAll, aliceAll])
        let none = store.top(k: 0, window: .allTime, anchor: Self.d0, by: .tokens)
        XCTAssertEqual(none.entries, [])
        XCTAssertEqual(none.totals, all.totals)
        XCTAssertEqual(store.top(k: -1, window: .allTime, anchor: Self.d0, by: .tokens).entries, [])
    }

    func testOtherAnchors() throws {
        let store = try makeStore()
        // 1d at D-3: e4, e5, e6. Tokens: carol 3,100; alice and bob tie at 300.
        let aliceD3 = ranked("alice", [200, 100, 0, 0], cost: 0, unpriced: 300)
        let bobD3 = ranked("bob", [100, 0, 0, 200], cost: 120_000)
        let carolD3 = ranked("carol", [500, 200, 400, 2000], cost: 2_200_000)
        let d3 = Self.d0.adding(days: -3)
        XCTAssertEqual(store.top(k: 5, window: .days(1), anchor: d3, by: .tokens).entries, [carolD3, aliceD3, bobD3])
        XCTAssertEqual(store.top(k: 5, window: .days(1), anchor: d3, by: .cost).entries, [carolD3, bobD3, aliceD3])
        // A week anchored in the future (D-1...D+5) holds only D0.
        XCTAssertEqual(
            store.top(k: 5, window: .days(7), anchor: Self.d0.adding(days: 5), by: .tokens).entries,
            [alice1d, bob1d]
        )
        // Days without usage: no entries, zero totals.
        let empty = store.top(k: 5, window: .days(1), anchor: Self.d0.adding(days: -1), by: .tokens)
        XCTAssertEqual(empty, ShardTop(entries: [], totals: WindowTotals()))
        XCTAssertEqual(store.top(k: 5, window: .days(1), anchor: Self.d0.adding(days: -41), by: .cost).entries, [])
        // The window's first day counts: 4 days back from D-37 reaches D-40.
        let carolD40 = ranked("carol", [1000, 1000, 0, 0], cost: 6_000_000)
        let bobD40 = ranked("bob", [3650, 0, 0, 0], cost: 0, unpriced: 3650)
        XCTAssertEqual(
            store.top(k: 5, window: .days(4), anchor: Self.d0.adding(days: -37), by: .tokens).entries,
            [bobD40, carolD40]
        )
        XCTAssertEqual(store.top(k: 5, window: .days(3), anchor: Self.d0.adding(days: -37), by: .tokens).entries, [])
    }

    func testModelTotals() throws {
        let store = try makeStore()
        // H: e1 + e2 + e5 + e6 + e7; X: e3 + e4 + e8. Higher cost first.
        XCTAssertEqual(
            store.modelTotals(window: .allTime, anchor: Self.d0),
            [
                LabeledUsage(
                    label: Self.h,
                    counts: counts([1700, 1250, 400, 3200]),
                    cost: 8_770_000,
                    priced: true,
                    provider: "anthropic"
                ),
                LabeledUsage(
                    label: Self.x,
                    counts: counts([4850, 250, 0, 0]),
                    cost: 0,
                    priced: false,
                    provider: "unknown"
                ),
            ]
        )
        XCTAssertEqual(
            store.modelTotals(window: .days(1), anchor: Self.d0),
            [
                LabeledUsage(
                    label: Self.h,
                    counts: counts([100, 50, 0, 1000]),
                    cost: 450_000,
                    priced: true,
                    provider: "anthropic"
                ),
                LabeledUsage(
                    label: Self.x,
                    counts: counts([1000, 150, 0, 0]),
                    cost: 0,
                    priced: false,
                    provider: "unknown"
                ),
            ]
        )
        // D-4...D-1 holds D-3 only: H e5 + e6 cost 2,320,000; X e4.
        XCTAssertEqual(
            store.modelTotals(window: .days(4), anchor: Self.d0.adding(days: -1)).map(\.counts),
            [counts([600, 200, 400, 2200]), counts([200, 100, 0, 0])]
        )
        XCTAssertEqual(
            store.modelTotals(window: .days(4), anchor: Self.d0.adding(days: -1)).map(\.cost),
            [2_320_000, 0]
        )
        XCTAssertEqual(store.modelTotals(window: .days(1), anchor: Self.d0.adding(days: -1)), [])
    }

    func testEmployeeBreakdown() throws {
        let store = try makeStore()
        let bob = try XCTUnwrap(store.employee("bob", window: .allTime, anchor: Self.d0))
        XCTAssertEqual(bob.summary, bobAll)
        XCTAssertEqual(
            bob.byModel,
            [
                LabeledUsage(
                    label: Self.h,
                    counts: counts([100, 0, 0, 200]),
                    cost: 120_000,
                    priced: true,
                    provider: "anthropic"
                ),
                LabeledUsage(
                    label: Self.x,
                    counts: counts([4650, 150, 0, 0]),
                    cost: 0,
                    priced: false,
                    provider: "unknown"
                ),
            ]
        )
        XCTAssertEqual(
            bob.byTool,
            [
                LabeledUsage(label: "claude-code", counts: counts([3750, 0, 0, 200]), cost: 120_000),
                LabeledUsage(label: "cursor", counts: counts([1000, 150, 0, 0]), cost: 0),
            ]
        )
        XCTAssertEqual(
            bob.byDay,
            [
                LabeledUsage(label: "2026-08-22", counts: counts([3650, 0, 0, 0]), cost: 0),
                LabeledUsage(label: "2026-09-28", counts: counts([100, 0, 0, 200]), cost: 120_000),
                LabeledUsage(label: "2026-10-01", counts: counts([1000, 150, 0, 0]), cost: 0),
            ]
        )

        let alice = try XCTUnwrap(store.employee("alice", window: .days(1), anchor: Self.d0))
        XCTAssertEqual(alice.summary, alice1d)
        XCTAssertEqual(
            alice.byModel,
            [
                LabeledUsage(
                    label: Self.h,
                    counts: counts([100, 50, 0, 1000]),
                    cost: 450_000,
                    priced: true,
                    provider: "anthropic"
                )
            ]
        )
        XCTAssertEqual(
            alice.byTool,
            [LabeledUsage(label: "claude-code", counts: counts([100, 50, 0, 1000]), cost: 450_000)]
        )
        XCTAssertEqual(
            alice.byDay,
            [LabeledUsage(label: "2026-10-01", counts: counts([100, 50, 0, 1000]), cost: 450_000)]
        )

        // Known but idle in the window: an empty breakdown, not nil.
        let carol = try XCTUnwrap(store.employee("carol", window: .days(1), anchor: Self.d0))
        XCTAssertEqual(carol.summary, RankedEmployee(employee: "carol", counts: .zero, cost: 0))
        XCTAssertEqual(carol.byModel, [])
        XCTAssertEqual(carol.byTool, [])
        XCTAssertEqual(carol.byDay, [])
        XCTAssertNil(store.employee("dave", window: .allTime, anchor: Self.d0))
        XCTAssertNil(store.employee("Alice", window: .allTime, anchor: Self.d0))
    }

    func testCountAhead() throws {
        let store = try makeStore()
        let d0 = Self.d0
        // All time by tokens: bob 5,100, carol 5,100, alice 1,450.
        XCTAssertEqual(store.countAhead(score: 5100, employee: "bob", window: .allTime, anchor: d0, by: .tokens), 0)
        XCTAssertEqual(store.countAhead(score: 5100, employee: "carol", window: .allTime, anchor: d0, by: .tokens), 1)
        XCTAssertEqual(store.countAhead(score: 5100, employee: "bz", window: .allTime, anchor: d0, by: .tokens), 1)
        XCTAssertEqual(store.countAhead(score: 5100, employee: "a", window: .allTime, anchor: d0, by: .tokens), 0)
        XCTAssertEqual(store.countAhead(score: 1450, employee: "alice", window: .allTime, anchor: d0, by: .tokens), 2)
        XCTAssertEqual(store.countAhead(score: 0, employee: "zzz", window: .allTime, anchor: d0, by: .tokens), 3)
        XCTAssertEqual(store.countAhead(score: 5101, employee: "zzz", window: .allTime, anchor: d0, by: .tokens), 0)
        // 7 days by cost: carol 2,200,000, alice 450,000, bob 120,000.
        XCTAssertEqual(store.countAhead(score: 450_000, employee: "alice", window: .days(7), anchor: d0, by: .cost), 1)
        XCTAssertEqual(store.countAhead(score: 120_000, employee: "bob", window: .days(7), anchor: d0, by: .cost), 2)
        // 1 day by output: bob 150, alice 50; carol has no usage and is not counted.
        XCTAssertEqual(store.countAhead(score: 0, employee: "carol", window: .days(1), anchor: d0, by: .output), 2)
        XCTAssertEqual(store.countAhead(score: 50, employee: "alice", window: .days(1), anchor: d0, by: .output), 1)
    }

    func testStats() throws {
        let store = try makeStore()
        XCTAssertEqual(
            store.stats,
            ShardStats(
                employees: 3,
                events: 8,
                batches: 2,
                // alice: (D0,H,claude-code) holding e1+e2, (D-3,X,cursor); bob: 3; carol: 2.
                cells: 7,
                newestDay: Self.d0,
                oldestDay: Day(iso: "2026-08-22")
            )
        )
        XCTAssertEqual(store.employeeCount, 3)
        XCTAssertEqual(store.newestDay, Self.d0)
        XCTAssertEqual(store.eventCount, 8)

        let empty = ShardStore(priceBook: PriceBook(models: []))
        XCTAssertEqual(
            empty.stats,
            ShardStats(employees: 0, events: 0, batches: 0, cells: 0, newestDay: nil, oldestDay: nil)
        )
        XCTAssertEqual(
            empty.top(k: 5, window: .allTime, anchor: Self.d0, by: .tokens),
            ShardTop(entries: [], totals: .init())
        )
    }

    func testPrefixedAndDatedModelNamesArePricedAsTheirBaseModel() throws {
        let store = try makeStore()
        var updated = try makeStore()
        var builder = EventBatchBuilder()
        builder.append(
            UsageEvent(
                timestampMillis: Self.d0.startMillis,
                employee: "alice",
                model: "anthropic/\(Self.h)-20251001",
                tool: "claude-code",
                counts: TokenCounts(input: 100)
            )
        )
        try updated.apply(builder.take())
        // The dated, prefixed name is priced like H: 100 × 1000 = 100,000 more for alice.
        let alice = try XCTUnwrap(updated.employee("alice", window: .days(1), anchor: Self.d0))
        XCTAssertEqual(alice.summary.cost, 550_000)
        XCTAssertEqual(alice.summary.unpricedTokens, 0)
        // Its own row (cost 100,000) after H's (450,000).
        XCTAssertEqual(alice.byModel.map(\.label), [Self.h, "anthropic/\(Self.h)-20251001"])
        XCTAssertEqual(alice.byModel.map(\.cost), [450_000, 100_000])
        XCTAssertEqual(alice.byModel.map(\.provider), ["anthropic", "anthropic"])
        XCTAssertEqual(updated.stats.cells, store.stats.cells + 1)
    }
}
