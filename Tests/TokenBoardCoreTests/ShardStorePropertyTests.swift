import TokenBoardCore
import TokenBoardWorkload
import XCTest

/// Randomized, deterministic: the store's answers against a brute force over the raw events.
final class ShardStorePropertyTests: XCTestCase {
    static let models = ["claude-opus-4-5", "claude-haiku-4-5", "gpt-5", "gemini-2.5-flash", "acme-experimental-7b"]
    static let tools = ["claude-code", "cursor", "acme-agent"]
    static let firstDay: Int32 = 20700
    static let dayCount: Int32 = 40

    private func scenario(
        seed: UInt64,
        events count: Int = 2_000,
        employees: Int = 300,
        models: [String] = ShardStorePropertyTests.models
    ) throws -> (events: [RawEvent], store: ShardStore) {
        var rng = SplitMix64(seed: seed)
        let events = randomEvents(
            count: count,
            employees: employeeKeys(employees),
            models: models,
            tools: Self.tools,
            firstDay: Self.firstDay,
            dayCount: Self.dayCount,
            using: &rng
        )
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        try ingest(events, into: &store, using: &rng)
        return (events, store)
    }

    private func days(_ window: Window, _ anchor: Int32) -> ClosedRange<Int32>? {
        switch window {
        case .allTime: return nil
        case .days(let n): return (anchor - Int32(n) + 1)...anchor
        }
    }

    private let anchors: [Int32] = [20739, 20700, 20720, 20745, 20699, 20650]
    private let windows: [Window] = [.days(1), .days(7), .days(30), .allTime]

    func testTopMatchesBruteForce() throws {
        for seed: UInt64 in [1, 2, 3] {
            let (events, store) = try scenario(seed: seed)
            for anchor in anchors {
                for window in windows {
                    let everyone = referenceRanking(events, days: days(window, anchor))
                    var expectedTotals = WindowTotals()
                    for entry in everyone {
                        expectedTotals.counts.add(entry.counts)
                        expectedTotals.cost += entry.cost
                        expectedTotals.unpricedTokens += entry.unpricedTokens
                        expectedTotals.activeEmployees += 1
                    }
                    for metric in RankingMetric.allCases {
                        for k in [1, 5, 50, 1000] {
                            let answer = store.top(k: k, window: window, anchor: Day(number: anchor), by: metric)
                            let context = "seed \(seed) anchor \(anchor) \(window) \(metric) k \(k)"
                            XCTAssertEqual(answer.entries, Reference.top(everyone, k: k, by: metric), context)
                            XCTAssertEqual(answer.totals, expectedTotals, context)
                        }
                    }
                }
            }
        }
    }

    /// Top K of everyone against the brute force where the store reads cells differently: long chains (70
    /// employees with about 40 cells a day each, so chains of dozens of chunks, read side by side in groups), and
    /// more models than `details` sums per model (600, of which the shipped ones are priced: each cell is priced).
    func testEveryoneMatchesBruteForceWithLongChainsAndManyModels() throws {
        let manyModels = Self.models + (0..<600).map { "inhouse-\($0)" }
        for (employees, models, events) in [(70, Self.models, 20_000), (300, manyModels, 6_000)] {
            let (raw, store) = try scenario(seed: 7, events: events, employees: employees, models: models)
            XCTAssertEqual(models.count > 512, employees == 300, "512: the most models `details` sums per model")
            for (anchor, window) in [(Int32(20739), Window.allTime), (20720, .days(7))] {
                let everyone = referenceRanking(raw, days: days(window, anchor))
                for metric in RankingMetric.allCases {
                    XCTAssertEqual(
                        store.top(k: 1000, window: window, anchor: Day(number: anchor), by: metric).entries,
                        Reference.top(everyone, k: 1000, by: metric),
                        "\(employees) employees, \(models.count) models, \(window) \(metric)"
                    )
                }
            }
        }
    }

    func testScenarioHasTiesAndUnpricedUsage() throws {
        let (events, _) = try scenario(seed: 1)
        XCTAssertEqual(referenceRanking(events, days: nil).count, 300, "every employee drew at least one event")
        // Windows short enough that many employees have one or two events: scores tie often on every metric.
        for range: ClosedRange<Int32> in [20739...20739, 20733...20739] {
            let everyone = referenceRanking(events, days: range)
            for metric in RankingMetric.allCases {
                let scores = everyone.map { Reference.score($0, metric) }
                XCTAssertGreaterThan(scores.count - Set(scores).count, 10, "\(metric) in \(range) needs ties")
            }
            XCTAssertGreaterThan(everyone.filter { $0.unpricedTokens > 0 }.count, 5)
            XCTAssertGreaterThan(everyone.filter { $0.unpricedTokens == 0 }.count, 5)
        }
    }

    func testCountAheadMatchesRankPosition() throws {
        let (events, store) = try scenario(seed: 4)
        for anchor: Int32 in [20739, 20720] {
            for window in windows {
                let everyone = referenceRanking(events, days: days(window, anchor))
                for metric in RankingMetric.allCases {
                    let board = Reference.boardOrder(everyone, by: metric)
                    for position in stride(from: 0, to: board.count, by: 7) {
                        let entry = board[position]
                        let ahead = store.countAhead(
                            score: Reference.score(entry, metric),
                            employee: entry.employee,
                            window: window,
                            anchor: Day(number: anchor),
                            by: metric
                        )
                        XCTAssertEqual(ahead, UInt64(position), "\(entry.employee) \(window) \(metric) at \(anchor)")
                    }
                }
            }
        }
    }

    func testStatsModelTotalsAndBreakdownsMatchBruteForce() throws {
        let (events, store) = try scenario(seed: 5)
        struct Cell: Hashable {
            var employee: String
            var day: Int32
            var model: String
            var tool: String
        }
        XCTAssertEqual(store.stats.events, 2_000)
        XCTAssertEqual(store.stats.employees, UInt64(Set(events.map(\.employee)).count))
        XCTAssertEqual(
            store.stats.cells,
            UInt64(
                Set(events.map { Cell(employee: $0.employee, day: $0.dayNumber, model: $0.model, tool: $0.tool) }).count
            )
        )
        XCTAssertEqual(store.stats.newestDay?.number, events.map(\.dayNumber).max())
        XCTAssertEqual(store.stats.oldestDay?.number, events.map(\.dayNumber).min())

        for window in windows {
            let range = days(window, 20739)
            let inWindow = events.filter { range?.contains($0.dayNumber) ?? true }
            var byModel: [String: LabeledUsage] = [:]
            for event in inWindow {
                let cost = Reference.cost(model: event.model, counts: event.counts)
                var row =
                    byModel[event.model]
                    ?? LabeledUsage(
                        label: event.model,
                        counts: .zero,
                        cost: 0,
                        priced: cost != nil,
                        provider: cost == nil ? "unknown" : (event.model.hasPrefix("claude") ? "anthropic" : "x")
                    )
                row.counts.add(event.counts)
                row.cost += cost ?? 0
                byModel[event.model] = row
            }
            let actual = store.modelTotals(window: window, anchor: Day(number: 20739))
            // Order: cost descending, then tokens descending, then label.
            let expectedOrder = byModel.values.sorted { a, b in
                if a.cost != b.cost { return a.cost > b.cost }
                if a.counts.total != b.counts.total { return a.counts.total > b.counts.total }
                return a.label < b.label
            }
            XCTAssertEqual(actual.map(\.label), expectedOrder.map(\.label), "\(window)")
            XCTAssertEqual(actual.map(\.counts), expectedOrder.map(\.counts), "\(window)")
            XCTAssertEqual(actual.map(\.cost), expectedOrder.map(\.cost), "\(window)")
            XCTAssertEqual(actual.map(\.priced), expectedOrder.map(\.priced), "\(window)")
            for row in actual where row.label.hasPrefix("claude") { XCTAssertEqual(row.provider, "anthropic") }
            for row in actual where !row.priced { XCTAssertEqual(row.provider, "unknown") }

            for name in employeeKeys(300).prefix(12) {
                let mine = inWindow.filter { $0.employee == name }
                let usage = try XCTUnwrap(store.employee(name, window: window, anchor: Day(number: 20739)))
                XCTAssertEqual(
                    usage.summary,
                    referenceRanking(mine, days: nil).first ?? RankedEmployee(employee: name, counts: .zero, cost: 0)
                )
                var perDay: [Int32: TokenCounts] = [:]
                for event in mine { perDay[event.dayNumber, default: .zero].add(event.counts) }
                XCTAssertEqual(usage.byDay.map(\.label), perDay.keys.sorted().map { Day(number: $0).description })
                XCTAssertEqual(usage.byDay.map(\.counts), perDay.keys.sorted().map { perDay[$0]! })
                var perTool: [String: TokenCounts] = [:]
                for event in mine { perTool[event.tool, default: .zero].add(event.counts) }
                XCTAssertEqual(Dictionary(uniqueKeysWithValues: usage.byTool.map { ($0.label, $0.counts) }), perTool)
                var perModel: [String: TokenCounts] = [:]
                for event in mine { perModel[event.model, default: .zero].add(event.counts) }
                XCTAssertEqual(Dictionary(uniqueKeysWithValues: usage.byModel.map { ($0.label, $0.counts) }), perModel)
            }
        }
    }

    /// Splitting the same events into different batches changes nothing.
    func testBatchBoundariesDoNotMatter() throws {
        let (events, store) = try scenario(seed: 6)
        var oneByOne = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        for event in events {
            var builder = EventBatchBuilder()
            builder.append(event.usageEvent)
            try oneByOne.apply(builder.take())
        }
        let names = Array(employeeKeys(300).prefix(5))
        var a = StoreSnapshot(store, names: names)
        var b = StoreSnapshot(oneByOne, names: names)
        XCTAssertEqual(b.stats.batches, 2_000)
        a.stats.batches = 0
        b.stats.batches = 0
        XCTAssertTrue(a == b)
    }
}
