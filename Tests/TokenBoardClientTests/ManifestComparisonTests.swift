import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload
import XCTest

/// The comparison of a manifest with a cluster's answers, against answers written out by hand.
final class ManifestComparisonTests: XCTestCase {
    // Rates in nano-dollars per token (input, output, cache write, cache read): Sonnet $3/$15/$3.75/$0.30 per
    // million, GPT-5 $1.25/$10/$1.25/$0.125 per million. "house-model" is not in the book.
    private let book = PriceBook(models: [
        PricedModel(
            model: "claude-sonnet-4-5",
            provider: "anthropic",
            rates: Rates(input: 3000, output: 15000, cacheWrite: 3750, cacheRead: 300)
        ),
        PricedModel(
            model: "gpt-5",
            provider: "openai",
            rates: Rates(input: 1250, output: 10000, cacheWrite: 1250, cacheRead: 125)
        ),
    ])

    private let day1: Int64 = 1_790_812_800_000  // 2026-10-01T00:00:00Z
    private let day2: Int64 = 1_790_899_200_000  // 2026-10-02T00:00:00Z

    /// alice: two Sonnet events; bob: one GPT-5 event; carol: one event of an unpriced model.
    private func manifest() -> Manifest {
        var builder = ManifestBuilder(priceBook: book)
        let events = [
            UsageEvent(
                timestampMillis: day1,
                employee: "alice",
                model: "claude-sonnet-4-5",
                counts: TokenCounts(input: 1000, output: 200, cacheRead: 5000)
            ),
            UsageEvent(
                timestampMillis: day1 + 1000,
                employee: "bob",
                model: "gpt-5",
                counts: TokenCounts(input: 500, output: 100, cacheRead: 1000)
            ),
            UsageEvent(
                timestampMillis: day2,
                employee: "alice",
                model: "claude-sonnet-4-5",
                counts: TokenCounts(input: 10)
            ),
            UsageEvent(
                timestampMillis: day2 + 5,
                employee: "carol",
                model: "house-model",
                counts: TokenCounts(input: 300)
            ),
        ]
        for event in events { builder.add(event) }
        return builder.build()
    }

    /// The true answers, worked out by hand.
    private func truth() -> ClusterAnswers {
        // alice: input 1,010, output 200, cache read 5,000 = 6,210 tokens;
        //   cost 1,010 × 3,000 + 200 × 15,000 + 5,000 × 300 = 3,030,000 + 3,000,000 + 1,500,000 = 7,530,000.
        let alice = RankedEmployee(
            employee: "alice",
            counts: TokenCounts(input: 1010, output: 200, cacheRead: 5000),
            cost: 7_530_000
        )
        // bob: 1,600 tokens; 500 × 1,250 + 100 × 10,000 + 1,000 × 125 = 625,000 + 1,000,000 + 125,000 = 1,750,000.
        let bob = RankedEmployee(
            employee: "bob",
            counts: TokenCounts(input: 500, output: 100, cacheRead: 1000),
            cost: 1_750_000
        )
        // carol: 300 unpriced tokens, no cost.
        let carol = RankedEmployee(employee: "carol", counts: TokenCounts(input: 300), cost: 0, unpricedTokens: 300)
        return ClusterAnswers(
            board: [alice, bob, carol],
            models: [
                LabeledUsage(
                    label: "claude-sonnet-4-5",
                    counts: alice.counts,
                    cost: 7_530_000,
                    priced: true,
                    provider: "anthropic"
                ),
                LabeledUsage(label: "gpt-5", counts: bob.counts, cost: 1_750_000, priced: true, provider: "openai"),
                LabeledUsage(label: "house-model", counts: carol.counts, cost: 0, priced: false, provider: "unknown"),
            ],
            // 6,210 + 1,600 + 300 = 8,110 tokens; 7,530,000 + 1,750,000 = 9,280,000 nano-dollars.
            totals: WindowTotals(
                counts: TokenCounts(input: 1810, output: 300, cacheRead: 6000),
                cost: 9_280_000,
                unpricedTokens: 300,
                activeEmployees: 3
            ),
            employees: [
                "alice": .init(summary: alice, rank: 1), "bob": .init(summary: bob, rank: 2),
                "carol": .init(summary: carol, rank: 3),
            ]
        )
    }

    func testTheTrueAnswersMatch() {
        let comparison = ManifestComparison(manifest: manifest(), sample: 10)
        XCTAssertEqual(comparison.employees, ["alice", "bob", "carol"])
        XCTAssertEqual(comparison.sampleCount, 0)
        XCTAssertEqual(comparison.differences(truth()), [])
    }

    func testOneEmployeesWrongTotalIsNamed() {
        var answers = truth()
        var bob = answers.employees["bob"]!!
        bob.summary.counts.output = 101
        answers.employees["bob"] = bob
        XCTAssertEqual(
            ManifestComparison(manifest: manifest(), sample: 0).differences(answers),
            [
                ManifestDifference(subject: "employee bob", field: "output", expected: "100", actual: "101"),
                ManifestDifference(subject: "employee bob", field: "tokens", expected: "1600", actual: "1601"),
            ]
        )
        XCTAssertEqual(
            ManifestDifference(subject: "employee bob", field: "output", expected: "100", actual: "101").description,
            "employee bob: output is 101 in the cluster, 100 in the manifest"
        )
    }

    func testBoardOrderCostAndLengthAreChecked() {
        var answers = truth()
        answers.board.swapAt(1, 2)
        answers.board[0].cost += 1
        answers.board.append(RankedEmployee(employee: "dave", counts: TokenCounts(input: 1), cost: 3000))
        XCTAssertEqual(
            ManifestComparison(manifest: manifest(), sample: 0).differences(answers),
            [
                ManifestDifference(subject: "board", field: "entries", expected: "3", actual: "4"),
                ManifestDifference(
                    subject: "board rank 1",
                    field: "cost_nanos",
                    expected: "7530000",
                    actual: "7530001"
                ),
                ManifestDifference(subject: "board rank 2", field: "employee", expected: "bob", actual: "carol"),
                ManifestDifference(subject: "board rank 2", field: "tokens", expected: "1600", actual: "300"),
                ManifestDifference(subject: "board rank 2", field: "cost_nanos", expected: "1750000", actual: "0"),
                ManifestDifference(subject: "board rank 3", field: "employee", expected: "carol", actual: "bob"),
                ManifestDifference(subject: "board rank 3", field: "tokens", expected: "300", actual: "1600"),
                ManifestDifference(subject: "board rank 3", field: "cost_nanos", expected: "0", actual: "1750000"),
            ]
        )
    }

    func testMissingEmployeeWrongRankAndUnpricedTokens() {
        var answers = truth()
        answers.employees["alice"] = .some(nil)
        var carol = answers.employees["carol"]!!
        carol.rank = 4
        carol.summary.unpricedTokens = 0
        answers.employees["carol"] = carol
        XCTAssertEqual(
            ManifestComparison(manifest: manifest(), sample: 0).differences(answers),
            [
                ManifestDifference(subject: "employee alice", field: "present", expected: "yes", actual: "no"),
                ManifestDifference(subject: "employee carol", field: "unpriced_tokens", expected: "300", actual: "0"),
                ManifestDifference(subject: "employee carol", field: "rank", expected: "3", actual: "4"),
            ]
        )
    }

    func testModelsAndCompanyTotals() {
        var answers = truth()
        answers.models.removeLast()
        answers.models[1].provider = "azure"
        answers.models[0].counts.cacheWrite = 7
        answers.models.append(LabeledUsage(label: "gpt-4o", counts: TokenCounts(input: 1), cost: 2500))
        answers.totals.activeEmployees = 2
        answers.totals.cost = 9_280_001
        XCTAssertEqual(
            ManifestComparison(manifest: manifest(), sample: 0).differences(answers),
            [
                ManifestDifference(
                    subject: "model claude-sonnet-4-5",
                    field: "cache_write",
                    expected: "0",
                    actual: "7"
                ),
                ManifestDifference(
                    subject: "model claude-sonnet-4-5",
                    field: "tokens",
                    expected: "6210",
                    actual: "6217"
                ),
                ManifestDifference(subject: "model gpt-4o", field: "present", expected: "no", actual: "yes"),
                ManifestDifference(subject: "model gpt-5", field: "provider", expected: "openai", actual: "azure"),
                ManifestDifference(subject: "model house-model", field: "present", expected: "yes", actual: "no"),
                ManifestDifference(subject: "company", field: "cost_nanos", expected: "9280000", actual: "9280001"),
                ManifestDifference(subject: "company", field: "active_employees", expected: "3", actual: "2"),
            ]
        )
    }

    func testSampleIsSpreadEvenlyOverTheEmployeesOffTheBoard() {
        // 260 employees e000…e259 where a higher number has more tokens: the board is e259 … e010, the ten
        // left over are e000…e009 in key order, and a sample of 4 takes positions 0, 10/4 = 2, 20/4 = 5 and
        // 30/4 = 7 of them.
        var builder = ManifestBuilder(priceBook: book)
        for index in 0..<260 {
            builder.add(
                UsageEvent(
                    timestampMillis: day1,
                    employee: "e" + String(String(index + 1000).dropFirst()),
                    model: "gpt-5",
                    counts: TokenCounts(input: UInt64(index + 1))
                )
            )
        }
        let comparison = ManifestComparison(manifest: builder.build(), sample: 4)
        XCTAssertEqual(comparison.employees.count, 254)
        XCTAssertEqual(comparison.employees.first, "e259")
        XCTAssertEqual(comparison.employees[249], "e010")
        XCTAssertEqual(Array(comparison.employees.suffix(4)), ["e000", "e002", "e005", "e007"])
        XCTAssertEqual(comparison.sampleCount, 4)
        // Asking for more than there are takes them all.
        XCTAssertEqual(ManifestComparison(manifest: builder.build(), sample: 50).sampleCount, 10)
    }

    func testReportListsTheFirstDifferencesAndCountsAll() {
        var answers = truth()
        answers.totals.activeEmployees = 9
        answers.totals.cost = 1
        let comparison = ManifestComparison(manifest: manifest(), sample: 0)
        let verification = ManifestVerification(comparison: comparison, differences: comparison.differences(answers))
        let report = VerificationReport(verification, manifest: "m.json", shown: 1)
        XCTAssertFalse(report.ok)
        XCTAssertEqual(report.differenceCount, 2)
        XCTAssertEqual(
            report.render(),
            """
            MISMATCH against m.json: 2 differences in the board (3 places), 3 employees' totals and ranks (3 on the board, 0 sampled), spend by model (3 models) and the company totals; the first 1:
              company: cost_nanos is 1 in the cluster, 9280000 in the manifest

            """
        )
        let passed = VerificationReport(
            ManifestVerification(comparison: comparison, differences: []),
            manifest: "m.json",
            shown: 20
        )
        XCTAssertTrue(passed.ok)
        XCTAssertTrue(passed.render().hasPrefix("verified against m.json: "), passed.render())
    }
}
