import TokenBoardCore
import XCTest

/// The top K's per-employee totals sum each model's counts before pricing them; these events push the cost past
/// `UInt64.max` (and the cells' own costs with it), where that must still equal pricing every event on its own and
/// saturating the sum.
final class ShardStoreSaturationTests: XCTestCase {
    func testSaturatingTotalsEqualThePerEventSums() throws {
        let priceBook = try PriceBook(contentsOf: shippedPriceBookPath())
        let priced = ["claude-opus-4-5", "gpt-5"]
        let unpriced = "acme-experimental-7b"
        XCTAssertNil(priceBook.entry(for: unpriced))
        let most = TokenCounts.maxPerEvent
        let day: Int64 = 20_700 * 86_400_000
        var events: [UsageEvent] = []
        // Employee "a": enough full events to saturate the cost; "b": the same counts spread thinner, far from it.
        for i in 0..<1_200 {
            let model = i % 5 == 4 ? unpriced : priced[i % 2]
            let counts = TokenCounts(input: most, output: most, cacheWrite: most / 3, cacheRead: UInt64(i))
            events.append(
                UsageEvent(
                    id: "a-\(i)",
                    timestampMillis: day + Int64(i) * 1000,
                    employee: "a",
                    model: model,
                    counts: counts
                )
            )
            events.append(
                UsageEvent(
                    id: "b-\(i)",
                    timestampMillis: day + Int64(i) * 1000,
                    employee: "b",
                    model: model,
                    tool: "tool-\(i % 3)",
                    counts: TokenCounts(input: UInt64(i) * 1_000, output: 7, cacheWrite: 0, cacheRead: 1 << 20)
                )
            )
        }
        var store = ShardStore(priceBook: priceBook)
        for start in stride(from: 0, to: events.count, by: 500) {
            try store.apply(EventBatch(converting: events[start..<min(start + 500, events.count)]))
        }

        let answer = store.top(k: 2, window: .days(1), anchor: Day(number: 20_700), by: .tokens)
        XCTAssertEqual(answer.entries.count, 2)
        for entry in answer.entries {
            var counts = TokenCounts.zero
            var cost: UInt64 = 0
            var unpricedTokens: UInt64 = 0
            for event in events where event.employee == entry.employee {
                counts.add(event.counts)
                if let rates = priceBook.entry(for: event.model)?.rates {
                    cost = cost.saturatingAdd(rates.cost(of: event.counts))
                } else {
                    unpricedTokens = unpricedTokens.saturatingAdd(event.counts.total)
                }
            }
            XCTAssertEqual(entry.counts, counts, entry.employee)
            XCTAssertEqual(entry.cost, cost, entry.employee)
            XCTAssertEqual(entry.unpricedTokens, unpricedTokens, entry.employee)
        }
        XCTAssertEqual(answer.entries.first { $0.employee == "a" }?.cost, UInt64.max)
        XCTAssertLessThan(answer.entries.first { $0.employee == "b" }?.cost ?? .max, UInt64.max)
    }
}
