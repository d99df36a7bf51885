import Foundation
import TokenBoardCore
import XCTest

/// The gaming signals on stores built by hand, at the edges of each default rule (docs/BOARD.md): an idle run
/// needs ≥ 60 requests over ≥ 120 minutes, ≤ 20 output tokens per request on average and its longest gap at most
/// 10% above its shortest; around the clock is ≥ 20 active UTC hours on ≥ 3 days of the window.
///
/// Day D = 20,000. Every event is [10 input, output, 0, 0] on model m (unpriced: cost 0).
final class SignalsTests: XCTestCase {
    static let day: Int64 = 20_000
    static let anchor = Day(number: Int32(day))

    static func event(_ employee: String, at millis: Int64, output: UInt64 = 20, session: String = "") -> UsageEvent {
        UsageEvent(
            timestampMillis: millis,
            employee: employee,
            model: "m",
            session: session,
            counts: TokenCounts(input: 10, output: output, cacheWrite: 0, cacheRead: 0)
        )
    }

    /// `count` requests of one session starting at D 01:00, gaps cycling through `gaps` (seconds).
    static func loop(_ employee: String, count: Int, gaps: [Int64] = [60], output: UInt64 = 20) -> [UsageEvent] {
        var millis = day * 86_400_000 + 3_600_000
        var events: [UsageEvent] = []
        for i in 0..<count {
            events.append(event(employee, at: millis, output: output, session: "loop"))
            millis += gaps[i % gaps.count] * 1000
        }
        return events
    }

    /// One request at the start of each of `hours` (0-based) on each of the days D-offset for `days`.
    static func owl(_ employee: String, hours: Range<Int64>, days: [Int64]) -> [UsageEvent] {
        days.flatMap { offset in
            hours.map { hour in event(employee, at: (day - offset) * 86_400_000 + hour * 3_600_000, output: 0) }
        }
    }

    static func store(_ events: [UsageEvent]) throws -> ShardStore {
        var store = ShardStore(priceBook: PriceBook(models: []))
        var builder = EventBatchBuilder()
        for event in events { builder.append(event) }
        try store.apply(builder.take())
        return store
    }

    func testExactlyThePlantedRunsAndOwlsAreFlagged() throws {
        var events: [UsageEvent] = []
        // 121 requests a minute apart: exactly 120 minutes, exactly 20 output each — flagged.
        events += Self.loop("idle-edge", count: 121)
        // One output token too many over the run.
        events +=
            Self.loop("chatty", count: 120, output: 20) + [
                Self.event("chatty", at: Self.day * 86_400_000 + 3_600_000 + 120 * 60_000, output: 21, session: "loop")
            ]
        // 120 requests: 119 minutes.
        events += Self.loop("short", count: 120)
        // Gaps of 60 s and 66 s: exactly 10% apart — flagged; 60 s and 67 s are not.
        events += Self.loop("jitter-10", count: 130, gaps: [60, 66])
        events += Self.loop("jitter-11", count: 130, gaps: [60, 67])
        // 59 requests: too few (over 3 hours).
        events += Self.loop("few", count: 59, gaps: [190])
        // A constant loop with one event delivered late, inside the run: its cadence is unknown.
        var late = Self.loop("late", count: 150)
        late.append(late.remove(at: 70))
        events += late
        // 20 active hours on 3 days — flagged; 19 hours on 3 days, or 24 hours on 2 days, are not.
        events += Self.owl("owl", hours: 0..<20, days: [0, 1, 5])
        events += Self.owl("owl-19h", hours: 0..<19, days: [0, 1, 2])
        events += Self.owl("owl-2d", hours: 0..<24, days: [0, 1])
        let store = try Self.store(events)

        let flagged = store.flagged(window: .days(7), anchor: Self.anchor, rules: SignalRules())
        XCTAssertEqual(
            flagged,
            [
                FlaggedEmployee(
                    employee: "idle-edge",
                    idleSessions: 1,
                    aroundClockDays: 0,
                    tokens: 121 * 30,
                    output: 121 * 20,
                    cost: 0
                ),
                FlaggedEmployee(
                    employee: "jitter-10",
                    idleSessions: 1,
                    aroundClockDays: 0,
                    tokens: 130 * 30,
                    output: 130 * 20,
                    cost: 0
                ),
                FlaggedEmployee(
                    employee: "owl",
                    idleSessions: 0,
                    aroundClockDays: 3,
                    tokens: 60 * 10,
                    output: 0,
                    cost: 0
                ),
            ]
        )
        // A 5-day window leaves the owl's day D-5 out: two days are not enough.
        let recent = store.flagged(window: .days(5), anchor: Self.anchor, rules: SignalRules())
        XCTAssertEqual(recent.map(\.employee), ["idle-edge", "jitter-10"])
        // Loosened rules let the near misses in.
        let loose = SignalRules(
            idleMinRequests: 59,
            idleMinMinutes: 119,
            idleMaxOutputPerRequest: 21,
            idleMaxCadenceSpreadPercent: 12,
            aroundClockMinHours: 19,
            aroundClockMinDays: 2
        )
        XCTAssertEqual(
            store.flagged(window: .days(7), anchor: Self.anchor, rules: loose).map(\.employee),
            ["chatty", "few", "idle-edge", "jitter-10", "jitter-11", "owl", "owl-19h", "owl-2d", "short"]
        )
    }

    func testAnIdleRunOnAnAroundTheClockDayIsLeftOutOnce() throws {
        // 24 hours on D-2, D-1 and D, plus an idle loop on D (01:00 to 03:00): the loop is inside day D already.
        let events = Self.owl("both", hours: 0..<24, days: [0, 1, 2]) + Self.loop("both", count: 121)
        let flagged = try Self.store(events).flagged(window: .days(7), anchor: Self.anchor, rules: SignalRules())
        XCTAssertEqual(
            flagged,
            [
                FlaggedEmployee(
                    employee: "both",
                    idleSessions: 1,
                    aroundClockDays: 3,
                    tokens: 72 * 10 + 121 * 30,
                    output: 121 * 20,
                    cost: 0
                )
            ]
        )
    }

    func testAdjustedRankingMovesFlaggedEmployeesDown() {
        func entry(_ name: String, _ tokens: UInt64) -> RankedEmployee {
            RankedEmployee(
                employee: name,
                counts: TokenCounts(input: tokens, output: 0, cacheWrite: 0, cacheRead: 0),
                cost: 0
            )
        }
        // Raw: a 100, b 90, c 80, d 70. a has 95 flagged, c 80 (all of it).
        let raw = [entry("a", 100), entry("b", 90), entry("c", 80), entry("d", 70)]
        let flagged = [
            FlaggedEmployee(employee: "a", idleSessions: 1, aroundClockDays: 0, tokens: 95, output: 0, cost: 0),
            FlaggedEmployee(employee: "c", idleSessions: 0, aroundClockDays: 3, tokens: 80, output: 0, cost: 0),
        ]
        let rows = AdjustedRanking.rank(raw, flagged: flagged, k: 3, by: .tokens)
        XCTAssertEqual(rows.map(\.entry.employee), ["b", "d", "a"])
        XCTAssertEqual(rows.map(\.rawRank), [2, 4, 1])
        XCTAssertEqual(rows.map(\.score), [90, 70, 5])
        // Flagged output is 0, so ranking by output changes nothing but ties (all 0: key order).
        XCTAssertEqual(AdjustedRanking.rank(raw, flagged: flagged, k: 4, by: .output).map(\.rawRank), [1, 2, 3, 4])
    }

    func testSignalRulesParseFromTheBoardFile() throws {
        let config = try BoardConfig(
            json: Data(#"{"signals": {"idle_min_requests": 10, "around_clock_min_days": 2}}"#.utf8)
        )
        XCTAssertEqual(config.signals, SignalRules(idleMinRequests: 10, aroundClockMinDays: 2))
        XCTAssertThrowsError(try BoardConfig(json: Data(#"{"signals": {"around_clock_min_hours": 25}}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("signals.around_clock_min_hours"), "\($0)")
        }
        XCTAssertThrowsError(try BoardConfig(json: Data(#"{"signals": {"idle_min_requests": 1}}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("signals.idle_min_requests must be at least 2"), "\($0)")
        }
    }
}
