import Foundation
import TokenBoardCore
import TokenBoardWorkload
import XCTest

/// Tier floors and counts on sets small enough to work out by hand, and against a sort on random ones.
final class TierRulesTests: XCTestCase {
    /// N = 20 active employees; in board order their tokens are
    /// 1000, 900, 900, 800, 700, 600, 500, 500, 500, 400, 300, 300, 200, 100, 100, 50, 40, 30, 20, 10.
    static let scores: [UInt64] = [
        500, 10, 900, 100, 300, 1000, 50, 500, 40, 800, 200, 900, 30, 700, 600, 100, 500,
        400, 20, 300,
    ]

    /// Counts the way the shards do, written the obvious way.
    static func counter(_ scores: [UInt64]) -> ([UInt64]) -> (active: UInt64, counts: [UInt64]) {
        { thresholds in
            (UInt64(scores.count), thresholds.map { t in UInt64(scores.filter { $0 >= t }.count) })
        }
    }

    func testFloorsAndCountsAtEachCutOff() async throws {
        let rules = try TierRules(
            metric: .tokens,
            rules: [
                .init(tier: .bronze, topMillipercent: 80_000),  // rank ⌈16⌉ = 16 → 50
                .init(tier: .silver, atLeast: 450),  // absolute
                .init(tier: .gold, topMillipercent: 25_000),  // rank 5 → 700
                .init(tier: .platinum, topMillipercent: 10_000),  // rank 2 → 900 (a tie: both 900s qualify)
                .init(tier: .emerald, topMillipercent: 5_000),  // rank 1 → 1000
            ]
        )
        let cutoffs = await rules.cutoffs(count: Self.counter(Self.scores))
        XCTAssertEqual(cutoffs.activeEmployees, 20)
        XCTAssertEqual(cutoffs.levels.map(\.tier), [.emerald, .platinum, .gold, .silver, .bronze])
        XCTAssertEqual(cutoffs.levels.map(\.floor), [1000, 900, 700, 450, 50])
        // ≥1000: 1; ≥900: 3; ≥700: 5; ≥450: 9; ≥50: 16.
        XCTAssertEqual(cutoffs.levels.map(\.employees), [1, 2, 2, 4, 7])
        XCTAssertEqual(cutoffs.levels.map(\.rule), ["top 5%", "top 10%", "top 25%", "at least 450 tokens", "top 80%"])
        XCTAssertEqual(cutoffs.tier(ofScore: 1000), .emerald)
        XCTAssertEqual(cutoffs.tier(ofScore: 900), .platinum)
        XCTAssertEqual(cutoffs.tier(ofScore: 899), .gold)
        XCTAssertEqual(cutoffs.tier(ofScore: 450), .silver)
        XCTAssertEqual(cutoffs.tier(ofScore: 50), .bronze)
        XCTAssertNil(cutoffs.tier(ofScore: 49))
    }

    func testAFloorAboveAHigherTiersFloorAwardsNobody() async throws {
        // Silver asks for 950 tokens, more than gold's 700: anyone reaching 950 already holds gold or better.
        let rules = try TierRules(
            metric: .tokens,
            rules: [
                .init(tier: .gold, topMillipercent: 25_000),
                .init(tier: .silver, atLeast: 950),
                .init(tier: .bronze, topMillipercent: 50_000, atLeast: 450),  // rank 10 → 400, raised to 450
            ]
        )
        let cutoffs = await rules.cutoffs(count: Self.counter(Self.scores))
        XCTAssertEqual(cutoffs.levels.map(\.floor), [700, 700, 450])
        XCTAssertEqual(cutoffs.levels.map(\.employees), [5, 0, 4])
        XCTAssertEqual(cutoffs.levels[2].rule, "top 50% and at least 450 tokens")
    }

    func testNobodyActiveHasNoFloors() async throws {
        let cutoffs = await TierRules.defaults.cutoffs(count: Self.counter([]))
        XCTAssertEqual(cutoffs.activeEmployees, 0)
        XCTAssertEqual(cutoffs.levels.map(\.floor), [nil, nil, nil, nil, nil])
        XCTAssertNil(cutoffs.tier(ofScore: .max))
    }

    func testPercentileFloorIsTheKthLargestOnRandomSets() async throws {
        var rng = SplitMix64(seed: 6)
        for round in 0..<40 {
            let n = Int.random(in: 1...500, using: &rng)
            // Wide ranges and narrow ones, so both long searches and heavy ties are exercised.
            let top: UInt64 = round % 2 == 0 ? .max : 5
            let scores = (0..<n).map { _ in UInt64.random(in: 0...top, using: &rng) }
            let percent = UInt64.random(in: 1...100_000, using: &rng)
            let rules = try TierRules(metric: .tokens, rules: [.init(tier: .gold, topMillipercent: percent)])
            var rounds = 0
            let counter = Self.counter(scores)
            let cutoffs = await rules.cutoffs {
                rounds += 1; return counter($0)
            }
            let rank = (UInt64(n) * percent + 99_999) / 100_000
            let kth = scores.sorted(by: >)[Int(rank) - 1]
            XCTAssertEqual(cutoffs.levels[0].floor, kth, "n \(n) percent \(percent)")
            XCTAssertEqual(cutoffs.levels[0].employees, UInt64(scores.filter { $0 >= kth }.count))
            XCTAssertLessThanOrEqual(rounds, 11)
        }
    }

    func testRankRoundsUp() throws {
        let rule = TierRules.Rule(tier: .emerald, topMillipercent: 1_000)
        XCTAssertEqual(rule.rank(among: 85_000), 850)
        XCTAssertEqual(rule.rank(among: 85_001), 851)
        XCTAssertEqual(rule.rank(among: 1), 1)
        XCTAssertEqual(TierRules.Rule(tier: .gold, topMillipercent: 100_000).rank(among: .max), .max)
    }

    func testShippedFileIsTheDefaults() throws {
        let path = URL(fileURLWithPath: shippedPriceBookPath()).deletingLastPathComponent().path + "/badges.json"
        let config = try BoardConfig(contentsOf: path)
        XCTAssertEqual(config.tiers, TierRules.defaults)
        XCTAssertEqual(config, BoardConfig.defaults)
    }

    func testCostFloorsAreWrittenInDollars() throws {
        let config = try BoardConfig(
            json: Data(#"{"tiers": {"metric": "cost", "rules": [{"tier": "gold", "at_least": 12.5}]}}"#.utf8)
        )
        XCTAssertEqual(config.tiers.metric, .cost)
        XCTAssertEqual(config.tiers.rules, [.init(tier: .gold, atLeast: 12_500_000_000)])
        XCTAssertEqual(config.tiers.rules[0].text(metric: .cost), "at least $12.50")
    }

    func testBadFilesAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            (#"{"tiers": {"rules": [{"tier": "diamond", "top_percent": 1}]}}"#, "tiers.rules[0].tier must be one of"),
            (#"{"tiers": {"rules": [{"tier": "gold"}]}}"#, "needs top_percent, at_least, or both"),
            (#"{"tiers": {"rules": [{"tier": "gold", "top_percent": 0}]}}"#, "top_percent must be in (0, 100]"),
            (#"{"tiers": {"rules": [{"tier": "gold", "top_percent": 1.0005}]}}"#, "has more than 3 decimals"),
            (#"{"tiers": {"rules": [{"tier": "gold", "top_percent": 101}]}}"#, "must be a number between 0 and 100"),
            (
                #"{"tiers": {"rules": [{"tier": "gold", "top_percent": 1}, {"tier": "gold", "at_least": 5}]}}"#,
                "names gold twice"
            ),
            (#"{"tiers": {"metric": "vibes", "rules": [{"tier": "gold", "top_percent": 1}]}}"#, "tiers.metric must be"),
            (#"{"tiers": {"rules": []}}"#, "tiers.rules is empty"),
            (#"{"tiers": 3}"#, "is not a valid board file"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try BoardConfig(json: Data(json.utf8), source: "b.json"), json) { error in
                let text = (error as? BoardConfigError)?.description ?? ""
                XCTAssertTrue(text.contains(expected) && text.hasPrefix("b.json"), "\(json): \(text)")
            }
        }
    }

    func testShardCountsOnlyEmployeesActiveInTheWindow() throws {
        var store = ShardStore(priceBook: PriceBook(models: []))
        let day: Int64 = 20_000
        var builder = EventBatchBuilder()
        for (offset, employee, tokens) in [(0, "a", 10), (0, "b", 30), (-1, "b", 5), (-1, "c", 7), (-9, "d", 100)]
            as [(Int64, String, UInt64)]
        {
            XCTAssertTrue(
                builder.append(
                    UsageEvent(
                        timestampMillis: (day + offset) * 86_400_000,
                        employee: employee,
                        model: "m",
                        tool: "t",
                        session: "s",
                        counts: TokenCounts(input: tokens, output: 0, cacheWrite: 0, cacheRead: 0)
                    )
                )
            )
        }
        try store.apply(builder.take())
        let anchor = Day(number: Int32(day))
        // 1d: a 10, b 30. 7d: a 10, b 35, c 7. all: also d 100.
        XCTAssertEqual(store.countAtLeast([], window: .days(1), anchor: anchor, by: .tokens).active, 2)
        let week = store.countAtLeast([0, 7, 8, 35, 36], window: .days(7), anchor: anchor, by: .tokens)
        XCTAssertEqual(week.active, 3)
        XCTAssertEqual(week.counts, [3, 3, 2, 1, 0])
        let all = store.countAtLeast([36, 100], window: .allTime, anchor: anchor, by: .tokens)
        XCTAssertEqual(all.active, 4)
        XCTAssertEqual(all.counts, [1, 1])
    }
}
