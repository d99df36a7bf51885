import Foundation
import TokenBoardCore
import XCTest

/// Each title on a store built by hand, merged across shards, with ties and window edges.
///
/// Day D = 20,000 (2024-10-04); all counts are [input, output, cache write, cache read]; rules: a model counts
/// from 100 tokens, Cache Wizard needs 1,000 tokens.
///
///     alice  D     m1 [5000, 0, 0, 0]                                   5,000 tokens: Token Legend
///     bob    D     session "loop" every 30 min 00:00 … 20:00, m1 [1, 0, 0, 0] each: a 20 h session, Session Immortal
///     bob    D-9   session "old" hourly 00:00 … 23:00 (outside a 7d window)
///     carol  D     m1..m3 [100, 0, 0, 0] each, m4 [99, 0, 0, 0]         3 models of ≥ 100
///     dave   D     m1..m3 [0, 100, 0, 0] each                           3 models, ties carol, loses on key
///     erin   D     m1 [100, 0, 0, 900]                                  90% cache reads of 1,000
///     frank  D     m1 [10, 0, 0, 980]                                   98% but only 990 tokens: not eligible
final class TitlesTests: XCTestCase {
    static let day: Int64 = 20_000
    static let rules = TitleRules(minTokensPerModel: 100, cacheWizardMinTokens: 1000)

    static func events() -> [UsageEvent] {
        func event(
            _ employee: String,
            _ model: String,
            _ c: [UInt64],
            day: Int64 = day,
            hour: Int64 = 12,
            session: String = ""
        )
            -> UsageEvent
        {
            UsageEvent(
                timestampMillis: day * 86_400_000 + hour * 3_600_000,
                employee: employee,
                model: model,
                tool: "t",
                session: session,
                counts: TokenCounts(input: c[0], output: c[1], cacheWrite: c[2], cacheRead: c[3])
            )
        }
        return [
            event("alice", "m1", [5000, 0, 0, 0])
        ]
            + (0...40).map { half in
                var e = event("bob", "m1", [1, 0, 0, 0], hour: 0, session: "loop")
                e.timestampMillis += Int64(half) * 1_800_000
                return e
            }
            + (0...23).map { hour in event("bob", "m1", [1, 0, 0, 0], day: day - 9, hour: Int64(hour), session: "old") }
            + [
                event("carol", "m1", [100, 0, 0, 0]), event("carol", "m2", [100, 0, 0, 0]),
                event("carol", "m3", [100, 0, 0, 0]), event("carol", "m4", [99, 0, 0, 0]),
                event("dave", "m1", [0, 100, 0, 0]), event("dave", "m2", [0, 100, 0, 0]),
                event("dave", "m3", [0, 100, 0, 0]),
                event("erin", "m1", [100, 0, 0, 900]),
                event("frank", "m1", [10, 0, 0, 980]),
                // Agent sessions of the same id under another employee are another session.
                event("carol", "m1", [0, 0, 0, 0], hour: 1, session: "loop"),
            ]
    }

    static func store(_ events: [UsageEvent]) throws -> ShardStore {
        var store = ShardStore(priceBook: PriceBook(models: []))
        var builder = EventBatchBuilder()
        for event in events { builder.append(event) }
        try store.apply(builder.take())
        return store
    }

    func testEachTitleOnAHandMadeStore() throws {
        let store = try Self.store(Self.events())
        let anchor = Day(number: Int32(Self.day))
        let holders = TitleHolder.merge(store.titleCandidates(window: .days(7), anchor: anchor, rules: Self.rules))
        XCTAssertEqual(
            holders,
            [
                TitleHolder(title: .tokenLegend, employee: "alice", value: 5000),
                TitleHolder(
                    title: .sessionImmortal,
                    employee: "bob",
                    value: 20 * 3_600_000,
                    base: UInt64(Self.day * 86_400_000)
                ),
                TitleHolder(title: .modelConnoisseur, employee: "carol", value: 3, base: 399),
                TitleHolder(title: .cacheWizard, employee: "erin", value: 900, base: 1000),
            ]
        )
        // Over all time bob's 23-hour session from D-9 wins.
        let all = store.titleCandidates(window: .allTime, anchor: anchor, rules: Self.rules)
        XCTAssertEqual(all.first { $0.title == .sessionImmortal }?.value, 23 * 3_600_000)
        // With the volume floor lowered, frank's 98% beats erin's 90%.
        let loose = store.titleCandidates(
            window: .days(1),
            anchor: anchor,
            rules: TitleRules(minTokensPerModel: 100, cacheWizardMinTokens: 990)
        )
        XCTAssertEqual(loose.first { $0.title == .cacheWizard }?.employee, "frank")
        // Nobody qualifies for anything in a window with no events.
        XCTAssertEqual(store.titleCandidates(window: .days(1), anchor: anchor.adding(days: -2), rules: Self.rules), [])
    }

    func testMergingShardsGivesTheSameHoldersAsOneStore() throws {
        let events = Self.events()
        let anchor = Day(number: Int32(Self.day))
        let whole = try Self.store(events).titleCandidates(window: .days(30), anchor: anchor, rules: Self.rules)
        // Split by employee, as shards are: each employee's events on one side.
        let left = try Self.store(events.filter { ["alice", "carol", "frank"].contains($0.employee) })
        let right = try Self.store(events.filter { !["alice", "carol", "frank"].contains($0.employee) })
        let merged = TitleHolder.merge(
            left.titleCandidates(window: .days(30), anchor: anchor, rules: Self.rules)
                + right.titleCandidates(window: .days(30), anchor: anchor, rules: Self.rules)
        )
        XCTAssertEqual(merged, TitleHolder.merge(whole))
        XCTAssertEqual(merged.first { $0.title == .modelConnoisseur }?.employee, "carol")
    }

    func testASessionIdReusedAfterAnHourOfSilenceIsANewRun() throws {
        func event(_ minute: Int64, session: String = "s") -> UsageEvent {
            UsageEvent(
                timestampMillis: Self.day * 86_400_000 + minute * 60_000,
                employee: "ann",
                model: "m1",
                session: session,
                counts: TokenCounts(input: 1, output: 0, cacheWrite: 0, cacheRead: 0)
            )
        }
        // Run 1: minutes 0, 60 (exactly an hour later: same run), 100. Silence of 61 minutes. Run 2: 161, 171.
        let store = try Self.store([event(0), event(60), event(100), event(161), event(171)])
        let anchor = Day(number: Int32(Self.day))
        let immortal = store.titleCandidates(window: .days(1), anchor: anchor, rules: Self.rules)
            .first { $0.title == .sessionImmortal }
        XCTAssertEqual(immortal?.value, 100 * 60_000)
        XCTAssertEqual(immortal?.base, UInt64(Self.day * 86_400_000))
    }

    func testAFullSessionTableDropsRunsBeyondTheHorizonThenStopsTracking() throws {
        var store = ShardStore(priceBook: PriceBook(models: []), sessionCapacity: 2)
        func apply(_ session: String, day: Int64) throws {
            var builder = EventBatchBuilder()
            builder.append(
                UsageEvent(
                    timestampMillis: day * 86_400_000,
                    employee: "ann",
                    model: "m1",
                    session: session,
                    counts: TokenCounts(input: 1, output: 0, cacheWrite: 0, cacheRead: 0)
                )
            )
            try store.apply(builder.take())
        }
        try apply("a", day: Self.day - 100)
        try apply("b", day: Self.day - 91)
        // Full; c on day D drops the runs that ended more than 90 days before D (a and b).
        try apply("c", day: Self.day)
        XCTAssertEqual(store.sessionCounts.tracked, 1)
        try apply("d", day: Self.day)
        // Full again, nothing old left to drop: e is not tracked, and the table is not scanned again.
        try apply("e", day: Self.day)
        XCTAssertEqual(store.sessionCounts.tracked, 2)
        XCTAssertEqual(store.sessionCounts.untracked, 1)
        // Known runs still extend.
        try apply("c", day: Self.day)
        XCTAssertEqual(store.sessionCounts.untracked, 1)
    }

    func testAModelCountsOnlyWithItsShareOfTheEmployeesTokens() {
        let rules = TitleRules(minTokensPerModel: 10, minModelSharePercent: 5)
        XCTAssertTrue(rules.countsModel(tokens: 50, of: 1000))
        XCTAssertFalse(rules.countsModel(tokens: 49, of: 1000))
        XCTAssertFalse(rules.countsModel(tokens: 9, of: 100))
        XCTAssertTrue(rules.countsModel(tokens: .max / 20, of: .max / 100 * 5))
    }

    func testTiesGoToTheFirstKeyInByteOrder() {
        let a = TitleHolder(title: .cacheWizard, employee: "Zoe", value: 1, base: 2)
        let b = TitleHolder(title: .cacheWizard, employee: "adam", value: 50, base: 100)
        XCTAssertEqual(TitleHolder.merge([b, a]).first?.employee, "Zoe", "'Z' (0x5A) sorts before 'a' (0x61)")
        let c = TitleHolder(title: .tokenLegend, employee: "b", value: 7)
        let d = TitleHolder(title: .tokenLegend, employee: "a", value: 7)
        XCTAssertEqual(TitleHolder.merge([c, d]), [d])
    }

    func testTitleRulesFromTheBoardFile() throws {
        let config = try BoardConfig(
            json: Data(
                #"{"titles": {"model_connoisseur_min_tokens_per_model": 5, "cache_wizard_min_tokens": 7}}"#.utf8
            )
        )
        XCTAssertEqual(config.titles, TitleRules(minTokensPerModel: 5, cacheWizardMinTokens: 7))
        XCTAssertEqual(
            BoardConfig.defaults.titles,
            TitleRules(minTokensPerModel: 1_000_000, cacheWizardMinTokens: 100_000_000)
        )
        XCTAssertThrowsError(
            try BoardConfig(json: Data(#"{"titles": {"model_connoisseur_min_tokens_per_model": 0}}"#.utf8))
        )
    }
}
