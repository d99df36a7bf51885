import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class ManifestTests: XCTestCase {
    private let day1 = utcMillis(2026, 10, 1, 9)
    private let day2 = utcMillis(2026, 10, 2, 14)

    /// Four events whose sums are worked out by hand below.
    private var events: [UsageEvent] {
        [
            // 1000 × 3000 + 200 × 15000 + 300 × 3750 + 5000 × 300 = 8,625,000 nano-dollars.
            UsageEvent(
                timestampMillis: day1,
                employee: "bob",
                model: "claude-sonnet-4-5",
                tool: "claude-code",
                counts: TokenCounts(input: 1000, output: 200, cacheWrite: 300, cacheRead: 5000)
            ),
            // Not in the price book: 100 unpriced tokens, no cost.
            UsageEvent(
                timestampMillis: day1 + 1,
                employee: "alice",
                model: "acme-experimental-7b",
                counts: TokenCounts(input: 10, output: 20, cacheWrite: 0, cacheRead: 70)
            ),
            // 100 × 1250 + 50 × 10000 + 1000 × 125 = 750,000.
            UsageEvent(
                timestampMillis: day2,
                employee: "alice",
                model: "gpt-5",
                tool: "codex-cli",
                counts: TokenCounts(input: 100, output: 50, cacheWrite: 0, cacheRead: 1000)
            ),
            // Priced through the provider prefix: 500 × 5000 + 1000 × 25000 + 5000 × 500 = 30,000,000. Ties bob
            // on 6,500 tokens.
            UsageEvent(
                timestampMillis: day2 + 5,
                employee: "carol",
                model: "anthropic/claude-opus-4-5",
                tool: "claude-code",
                counts: TokenCounts(input: 500, output: 1000, cacheWrite: 0, cacheRead: 5000)
            ),
        ]
    }

    private func build() throws -> Manifest {
        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in events { builder.add(event) }
        XCTAssertEqual(builder.events, 4)
        return builder.build()
    }

    func testHandComputedTotals() throws {
        let manifest = try build()
        XCTAssertNil(manifest.config)
        XCTAssertEqual(manifest.events, 4)
        XCTAssertEqual(manifest.employeeCount, 3)
        XCTAssertEqual(manifest.firstTimestampMillis, day1)
        XCTAssertEqual(manifest.lastTimestampMillis, day2 + 5)
        XCTAssertEqual(
            manifest.totals.counts,
            TokenCounts(input: 1610, output: 1270, cacheWrite: 300, cacheRead: 11070)
        )
        XCTAssertEqual(manifest.totals.tokens, 14250)
        XCTAssertEqual(manifest.totals.cost, 39_375_000)
        XCTAssertEqual(manifest.totals.unpricedTokens, 100)
        XCTAssertEqual(manifest.totals.label, "total")

        XCTAssertEqual(manifest.employees.map(\.employee), ["alice", "bob", "carol"])
        XCTAssertEqual(manifest.employees.map(\.tokens), [1250, 6500, 6500])
        XCTAssertEqual(manifest.employees.map(\.cost), [750_000, 8_625_000, 30_000_000])
        XCTAssertEqual(manifest.employees.map(\.unpricedTokens), [100, 0, 0])
        XCTAssertEqual(manifest.employees.map(\.events), [2, 1, 1])

        // Ties on tokens break by key: bob before carol.
        XCTAssertEqual(
            manifest.top,
            [
                Manifest.TopRow(rank: 1, employee: "bob", tokens: 6500, cost: 8_625_000),
                Manifest.TopRow(rank: 2, employee: "carol", tokens: 6500, cost: 30_000_000),
                Manifest.TopRow(rank: 3, employee: "alice", tokens: 1250, cost: 750_000),
            ]
        )
        XCTAssertEqual(manifest.ranking(by: .cost).map(\.employee), ["carol", "bob", "alice"])
        XCTAssertEqual(manifest.ranking(by: .output, k: 1).map(\.employee), ["carol"])
        XCTAssertEqual(manifest.employee("bob")?.cost, 8_625_000)
        XCTAssertNil(manifest.employee("dave"))

        XCTAssertEqual(
            manifest.byModel.map(\.model),
            ["anthropic/claude-opus-4-5", "claude-sonnet-4-5", "gpt-5", "acme-experimental-7b"]
        )
        XCTAssertEqual(manifest.byModel.map(\.cost), [30_000_000, 8_625_000, 750_000, 0])
        XCTAssertEqual(manifest.byModel.map(\.provider), ["anthropic", "anthropic", "openai", "unknown"])
        XCTAssertEqual(manifest.byModel.map(\.priced), [true, true, true, false])

        XCTAssertEqual(manifest.byDay.map(\.label), ["2026-10-01", "2026-10-02"])
        XCTAssertEqual(manifest.byDay.map(\.tokens), [6600, 7650])
        XCTAssertEqual(manifest.byDay.map(\.cost), [8_625_000, 30_750_000])
        XCTAssertEqual(manifest.byDay.map(\.unpricedTokens), [100, 0])

        XCTAssertEqual(manifest.byTool.map(\.label), ["claude-code", "codex-cli", ""])
        XCTAssertEqual(manifest.byTool.map(\.events), [2, 1, 1])
        XCTAssertEqual(manifest.byTool.map(\.cost), [38_625_000, 750_000, 0])
    }

    func testTopHoldsTwoHundredAndFifty() throws {
        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for n in 1...300 {
            builder.add(
                UsageEvent(
                    timestampMillis: 0,
                    employee: "e\(n)",
                    model: "gpt-5",
                    counts: TokenCounts(input: UInt64(n % 100))
                )
            )
        }
        let manifest = builder.build()
        XCTAssertEqual(manifest.top.count, 250)
        XCTAssertEqual(manifest.top.first?.tokens, 99)
        // e99, e199 and e299 tie on 99 tokens; byte order puts e199 first.
        XCTAssertEqual(manifest.top.prefix(3).map(\.employee), ["e199", "e299", "e99"])
        XCTAssertEqual(manifest.employees.count, 300)
    }

    func testWriteAndLoadRoundTrip() throws {
        let folder = try TemporaryFolder()
        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in events { builder.add(event) }
        // Ten events of 2^40 input tokens at $15 per million: a cost past 2^53, which a JSON number read as a
        // double would round.
        for _ in 0..<10 {
            builder.add(
                UsageEvent(
                    timestampMillis: day2,
                    employee: "whale",
                    model: "claude-opus-4-1",
                    counts: TokenCounts(input: TokenCounts.maxPerEvent)
                )
            )
        }
        let config = WorkloadConfig(employees: 3, events: 4)
        let manifest = builder.build(config: config, exponent: 0.5)
        XCTAssertEqual(manifest.employee("whale")?.cost, 164_926_744_166_400_000)
        let path = folder.file("manifest.json")
        try manifest.write(to: path)
        let loaded = try Manifest.load(path: path)
        XCTAssertEqual(loaded, manifest)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in [
            #""by_model""#, #""by_day""#, #""by_tool""#, #""cache_write""#, #""cache_read""#, #""unpriced_tokens""#,
            #""employee_count""#, #""start_day":"2026-10-01""#, #""first_timestamp_ms""#, #""cost":164926744166400000"#,
        ] {
            XCTAssertTrue(text.contains(key), "missing \(key)")
        }
        // Sorted keys: the top level starts with by_day.
        XCTAssertTrue(text.hasPrefix(#"{"by_day":"#))
        XCTAssertThrowsError(try Manifest.load(path: folder.file("absent.json")))
    }
}
