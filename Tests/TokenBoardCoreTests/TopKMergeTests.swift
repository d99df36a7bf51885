import TokenBoardCore
import TokenBoardWorkload
import XCTest

final class TopKMergeTests: XCTestCase {
    private let map = ShardMap.initial(workers: ["w0", "w1", "w2", "w3"])

    /// Random employees with few distinct values, so most scores tie with others.
    private func randomEmployees(_ count: Int, using rng: inout SplitMix64) -> [RankedEmployee] {
        employeeKeys(count).map { name in
            RankedEmployee(
                employee: name,
                counts: TokenCounts(
                    input: UInt64.random(in: 0...3, using: &rng),
                    output: UInt64.random(in: 0...3, using: &rng),
                    cacheWrite: UInt64.random(in: 0...1, using: &rng),
                    cacheRead: UInt64.random(in: 0...3, using: &rng)
                ),
                cost: UInt64.random(in: 0...4, using: &rng) * 1_000,
                unpricedTokens: UInt64.random(in: 0...2, using: &rng)
            )
        }
    }

    private func partition(_ employees: [RankedEmployee]) -> [[RankedEmployee]] {
        var shards = [[RankedEmployee]](repeating: [], count: 4)
        for entry in employees {
            let slot = Int(Reference.crc32c(entry.employee) % 4096)
            XCTAssertEqual(map.ownerIndex(of: entry.employee), slot % 4)
            shards[slot % 4].append(entry)
        }
        return shards
    }

    func testMergeOfShardTopsEqualsGlobalTop() {
        var rng = SplitMix64(seed: 7)
        for round in 0..<5 {
            let employees = randomEmployees(600, using: &rng).shuffled(using: &rng)
            let shards = partition(employees)
            XCTAssertEqual(shards.map(\.count).reduce(0, +), 600)
            XCTAssertTrue(shards.allSatisfy { $0.count > 100 }, "\(shards.map(\.count))")
            for metric in RankingMetric.allCases {
                let scores = employees.map { Reference.score($0, metric) }
                XCTAssertLessThan(Set(scores).count, 20, "mostly ties")
                for k in [1, 5, 50, 250, 599, 1000] {
                    let tops = shards.map { TopK.select($0, k: k, by: metric) }
                    for (shard, top) in zip(shards, tops) {
                        XCTAssertEqual(top, Reference.top(shard, k: k, by: metric))
                    }
                    let merged = TopK.merge(tops, k: k, by: metric)
                    XCTAssertEqual(
                        merged,
                        Reference.top(employees, k: k, by: metric),
                        "round \(round) \(metric) k \(k)"
                    )
                    XCTAssertEqual(TopK.select(employees, k: k, by: metric), merged)
                }
            }
        }
    }

    func testMergeEdgeCases() {
        let a = RankedEmployee(employee: "a", counts: TokenCounts(output: 5), cost: 1)
        let b = RankedEmployee(employee: "b", counts: TokenCounts(output: 5), cost: 1)
        let c = RankedEmployee(employee: "c", counts: TokenCounts(input: 9), cost: 0)
        XCTAssertEqual(TopK.merge([], k: 5, by: .tokens), [])
        XCTAssertEqual(TopK.merge([[], []], k: 5, by: .tokens), [])
        XCTAssertEqual(TopK.merge([[b], [a]], k: 0, by: .tokens), [])
        XCTAssertEqual(TopK.merge([[b], [c, a]], k: 5, by: .tokens), [c, a, b])
        XCTAssertEqual(TopK.merge([[b], [c, a]], k: 5, by: .output), [a, b, c])
        XCTAssertEqual(TopK.merge([[b], [c, a]], k: 2, by: .cost), [a, b])
        // Byte order, not alphabetical: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9).
        let upper = RankedEmployee(employee: "Z", counts: .zero, cost: 0)
        let accent = RankedEmployee(employee: "é", counts: .zero, cost: 0)
        let lower = RankedEmployee(employee: "a", counts: .zero, cost: 0)
        XCTAssertEqual(TopK.merge([[accent], [lower, upper]], k: 3, by: .tokens), [upper, lower, accent])
        XCTAssertTrue(RankedEmployee.ranksAhead(upper, lower, by: .cost))
        XCTAssertFalse(RankedEmployee.ranksAhead(lower, lower, by: .cost), "strict order")
    }

    /// End to end: events routed to four shard stores by the shard map; the merged shard tops equal the brute force.
    func testShardStoresMergeToTheGlobalAnswer() throws {
        var rng = SplitMix64(seed: 99)
        let keys = employeeKeys(400)
        let events = randomEvents(
            count: 3_000,
            employees: keys,
            models: ["claude-opus-4-5", "gpt-5", "acme-coder-2", "acme-experimental-7b"],
            tools: ["claude-code", "cursor"],
            firstDay: 20700,
            dayCount: 30,
            using: &rng
        )
        let prices = try PriceBook(contentsOf: shippedPriceBookPath())
        var stores = [ShardStore](repeating: ShardStore(priceBook: prices), count: 4)
        var perShard = [[RawEvent]](repeating: [], count: 4)
        for event in events { perShard[map.ownerIndex(of: event.employee)].append(event) }
        for shard in 0..<4 {
            XCTAssertGreaterThan(perShard[shard].count, 400)
            try ingest(perShard[shard], into: &stores[shard], using: &rng)
        }
        XCTAssertEqual(stores.map(\.stats.events).reduce(0, +), 3_000)
        XCTAssertEqual(stores.map(\.employeeCount).reduce(0, +), Set(events.map(\.employee)).count)

        let windows: [(Window, ClosedRange<Int32>?)] = [
            (.days(1), 20729...20729), (.days(7), 20723...20729), (.allTime, nil),
        ]
        for (window, range) in windows {
            let everyone = referenceRanking(events, days: range)
            for metric in RankingMetric.allCases {
                for k in [1, 5, 50, 250, 1000] {
                    let answers = stores.map { $0.top(k: k, window: window, anchor: Day(number: 20729), by: metric) }
                    let merged = TopK.merge(answers.map(\.entries), k: k, by: metric)
                    XCTAssertEqual(merged, Reference.top(everyone, k: k, by: metric), "\(window) \(metric) k \(k)")
                    var totals = WindowTotals()
                    for answer in answers { totals.add(answer.totals) }
                    XCTAssertEqual(totals.activeEmployees, UInt64(everyone.count))
                    XCTAssertEqual(totals.cost, everyone.map(\.cost).reduce(0, +))
                    XCTAssertEqual(totals.unpricedTokens, everyone.map(\.unpricedTokens).reduce(0, +))
                    XCTAssertEqual(totals.tokens, everyone.map { Reference.score($0, .tokens) }.reduce(0, +))
                }
            }
        }
    }
}
