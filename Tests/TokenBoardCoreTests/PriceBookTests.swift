import Foundation
import TokenBoardCore
import XCTest

final class PriceBookTests: XCTestCase {
    private func shipped() throws -> PriceBook { try PriceBook(contentsOf: shippedPriceBookPath()) }

    private func book(_ json: String) throws -> PriceBook { try PriceBook(json: Data(json.utf8), source: "test.json") }

    private func loadError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try book(json)
            XCTFail("accepted \(json)", file: file, line: line)
            return ""
        } catch let error as PriceBook.LoadError {
            return error.description
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return ""
        }
    }

    // MARK: - The shipped price book

    func testShippedBookListsEveryModel() throws {
        let prices = try shipped()
        let expected: Set<String> = [
            "claude-opus-4-5", "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-1", "claude-opus-4-20250514",
            "claude-sonnet-4-5", "claude-sonnet-4-6", "claude-sonnet-4-20250514", "claude-haiku-4-5", "gpt-4o",
            "gpt-4.1", "gpt-5", "gpt-5.1", "gemini-2.5-pro", "gemini-2.5-flash", "acme-coder-2", "acme-embed-3",
        ]
        XCTAssertEqual(Set(prices.models.keys), expected)
        XCTAssertNil(prices.entry(for: "acme-experimental-7b"), "kept unpriced on purpose")
        XCTAssertEqual(prices.provider(for: "claude-opus-4-7"), "anthropic")
        XCTAssertEqual(prices.provider(for: "gpt-4.1"), "openai")
        XCTAssertEqual(prices.provider(for: "gemini-2.5-pro"), "google")
        XCTAssertEqual(prices.provider(for: "acme-coder-2"), "in-house")
    }

    func testShippedNoteStatesSourceAndCaveats() throws {
        let note = try shipped().note
        XCTAssertTrue(note.contains("LiteLLM"), note)
        XCTAssertTrue(note.contains("200k"), note)
        XCTAssertTrue(note.contains("NOT applied"), note)
        XCTAssertTrue(note.contains("5-minute"), note)
        XCTAssertTrue(note.contains("1-hour"), note)
    }

    /// USD per million × 1000 = nano-dollars per token, worked out by hand from the list prices in docs/PRICES.md.
    func testShippedRatesInNanoDollarsPerToken() throws {
        let prices = try shipped()
        func rates(_ model: String) -> Rates? { prices.entry(for: model)?.rates }
        let opus = Rates(input: 5000, output: 25000, cacheWrite: 6250, cacheRead: 500)
        XCTAssertEqual(rates("claude-opus-4-5"), opus)
        XCTAssertEqual(rates("claude-opus-4-6"), opus)
        XCTAssertEqual(rates("claude-opus-4-7"), opus)
        let opusOld = Rates(input: 15000, output: 75000, cacheWrite: 18750, cacheRead: 1500)
        XCTAssertEqual(rates("claude-opus-4-1"), opusOld)
        XCTAssertEqual(rates("claude-opus-4-20250514"), opusOld)
        let sonnet = Rates(input: 3000, output: 15000, cacheWrite: 3750, cacheRead: 300)
        XCTAssertEqual(rates("claude-sonnet-4-5"), sonnet)
        XCTAssertEqual(rates("claude-sonnet-4-6"), sonnet)
        XCTAssertEqual(rates("claude-sonnet-4-20250514"), sonnet)
        XCTAssertEqual(rates("claude-haiku-4-5"), Rates(input: 1000, output: 5000, cacheWrite: 1250, cacheRead: 100))
        // No cache-write price for OpenAI and Google: cache writes bill at the input rate.
        XCTAssertEqual(rates("gpt-4o"), Rates(input: 2500, output: 10000, cacheWrite: 2500, cacheRead: 1250))
        XCTAssertEqual(rates("gpt-4.1"), Rates(input: 2000, output: 8000, cacheWrite: 2000, cacheRead: 500))
        let gpt5 = Rates(input: 1250, output: 10000, cacheWrite: 1250, cacheRead: 125)
        XCTAssertEqual(rates("gpt-5"), gpt5)
        XCTAssertEqual(rates("gpt-5.1"), gpt5)
        XCTAssertEqual(rates("gemini-2.5-pro"), gpt5)
        XCTAssertEqual(rates("gemini-2.5-flash"), Rates(input: 300, output: 2500, cacheWrite: 300, cacheRead: 30))
        XCTAssertEqual(rates("acme-coder-2"), Rates(input: 400, output: 1600, cacheWrite: 400, cacheRead: 40))
        XCTAssertEqual(rates("acme-embed-3"), Rates(input: 20, output: 0, cacheWrite: 20, cacheRead: 20))
    }

    func testShippedRatesMatchTheTestsReferenceTable() throws {
        let prices = try shipped()
        for (model, r) in Reference.shippedRates {
            XCTAssertEqual(
                prices.entry(for: model)?.rates,
                Rates(input: r.input, output: r.output, cacheWrite: r.cacheWrite, cacheRead: r.cacheRead),
                model
            )
        }
    }

    // MARK: - Lookups

    func testLookupStripsReleaseDateAndProviderPrefix() throws {
        let prices = try shipped()
        let sonnet = prices.entry(for: "claude-sonnet-4-5-20250929")
        XCTAssertEqual(sonnet?.model, "claude-sonnet-4-5")
        XCTAssertEqual(sonnet?.rates.input, 3000)
        let haiku = prices.entry(for: "anthropic/claude-haiku-4-5")
        XCTAssertEqual(haiku?.model, "claude-haiku-4-5")
        XCTAssertEqual(haiku?.rates.output, 5000)
        XCTAssertEqual(prices.entry(for: "anthropic/claude-sonnet-4-5-20250929")?.model, "claude-sonnet-4-5")
        XCTAssertEqual(prices.entry(for: "bedrock/anthropic/claude-opus-4-5")?.model, "claude-opus-4-5")
        XCTAssertEqual(prices.entry(for: "openai/gpt-5")?.rates.cacheRead, 125)
        XCTAssertEqual(prices.provider(for: "anthropic/claude-haiku-4-5"), "anthropic")
    }

    func testLookupDoesNotOverreach() throws {
        let prices = try shipped()
        for model in [
            "", "claude", "gpt", "claude-sonnet-4-5-2025092", "claude-sonnet-4-5-2025092x",
            "claude-sonnet-4-5-20250929-v2", "claude-sonnet-4-5_20250929", "claude-sonnet-4-5/", "CLAUDE-OPUS-4-5",
            "acme-experimental-7b", "in-house/acme-experimental-7b", "-20250929",
        ] {
            XCTAssertNil(prices.entry(for: model), model)
            XCTAssertEqual(prices.provider(for: model), "unknown", model)
        }
    }

    func testExactNameWinsOverStrippedName() throws {
        let prices = try book(
            """
            {"models": [
              {"models": ["m"], "provider": "p", "input": 1, "output": 2},
              {"models": ["m-20250101"], "provider": "q", "input": 3, "output": 4},
              {"models": ["x/m"], "provider": "r", "input": 5, "output": 6}
            ]}
            """
        )
        XCTAssertEqual(prices.entry(for: "m-20250101")?.rates.input, 3000)
        XCTAssertEqual(prices.entry(for: "m-20250102")?.rates.input, 1000)
        XCTAssertEqual(prices.entry(for: "x/m")?.rates.input, 5000)
        XCTAssertEqual(prices.entry(for: "y/m")?.rates.input, 1000)
        XCTAssertEqual(prices.entry(for: "y/m-20250101")?.rates.input, 3000)
    }

    // MARK: - Defaults and validation

    func testAnthropicDefaultCachePrices() throws {
        let prices = try book(
            """
            {"models": [
              {"models": ["claude-new"], "provider": "anthropic", "input": 3, "output": 15},
              {"models": ["claude-half"], "provider": "anthropic", "input": 0.8, "output": 4, "cache_read": 0.05},
              {"models": ["other"], "provider": "openai", "input": 2, "output": 8}
            ]}
            """
        )
        // 1.25 × 3000 = 3750 and 0.1 × 3000 = 300.
        XCTAssertEqual(
            prices.entry(for: "claude-new")?.rates,
            Rates(input: 3000, output: 15000, cacheWrite: 3750, cacheRead: 300)
        )
        // Only the missing price defaults: 1.25 × 800 = 1000.
        XCTAssertEqual(
            prices.entry(for: "claude-half")?.rates,
            Rates(input: 800, output: 4000, cacheWrite: 1000, cacheRead: 50)
        )
        XCTAssertEqual(
            prices.entry(for: "other")?.rates,
            Rates(input: 2000, output: 8000, cacheWrite: 2000, cacheRead: 2000)
        )
        XCTAssertEqual(prices.note, "")
    }

    func testThreeDecimalsAreAcceptedExactly() throws {
        let prices = try book(
            """
            {"note": "n", "models": [{"models": ["a"], "provider": "p", "input": 0.001, "output": 999999.999,
              "cache_write": 0.125, "cache_read": 0}]}
            """
        )
        XCTAssertEqual(
            prices.entry(for: "a")?.rates,
            Rates(input: 1, output: 999_999_999, cacheWrite: 125, cacheRead: 0)
        )
        XCTAssertEqual(prices.note, "n")
    }

    func testFourDecimalsAreRejectedNamingTheField() {
        let message = loadError(
            """
            {"models": [
              {"models": ["a"], "provider": "p", "input": 1, "output": 2},
              {"models": ["b"], "provider": "p", "input": 1, "output": 2, "cache_read": 0.1234}
            ]}
            """
        )
        XCTAssertTrue(message.contains("test.json: models[1].cache_read"), message)
        XCTAssertTrue(message.contains("three decimals"), message)

        let input = loadError(#"{"models": [{"models": ["a"], "provider": "p", "input": 1.0005, "output": 2}]}"#)
        XCTAssertTrue(input.contains("models[0].input"), input)
        let write = loadError(
            #"{"models": [{"models": ["a"], "provider": "p", "input": 1, "output": 2, "cache_write": 0.0001}]}"#
        )
        XCTAssertTrue(write.contains("models[0].cache_write"), write)
    }

    func testOutOfRangePricesAreRejectedNamingTheField() {
        let negative = loadError(#"{"models": [{"models": ["a"], "provider": "p", "input": 1, "output": -2}]}"#)
        XCTAssertTrue(negative.contains("models[0].output"), negative)
        let huge = loadError(#"{"models": [{"models": ["a"], "provider": "p", "input": 1000001, "output": 2}]}"#)
        XCTAssertTrue(huge.contains("models[0].input"), huge)
    }

    func testMalformedFilesAreRejected() {
        for json in [
            "", "{", "[]", "{}", #"{"models": {}}"#,
            #"{"models": [{"models": ["a"], "provider": "p", "input": 1}]}"#,
            #"{"models": [{"models": ["a"], "input": 1, "output": 2}]}"#,
            #"{"models": [{"models": "a", "provider": "p", "input": 1, "output": 2}]}"#,
            #"{"models": [{"models": ["a"], "provider": "p", "input": "1", "output": 2}]}"#,
        ] {
            let message = loadError(json)
            XCTAssertTrue(message.contains("test.json"), message)
        }
        let empty = loadError(#"{"models": [{"models": [], "provider": "p", "input": 1, "output": 2}]}"#)
        XCTAssertTrue(empty.contains("models[0] names no model"), empty)
    }

    func testMissingFileIsALoadError() {
        XCTAssertThrowsError(try PriceBook(contentsOf: "/nonexistent/prices.json")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/prices.json"), "\(error)")
        }
    }

    // MARK: - Costs

    func testCostsToTheNanoDollar() throws {
        let prices = try shipped()
        // claude-opus-4-5: 1,000 × 5000 + 500 × 25000 + 2,000 × 6250 + 100,000 × 500
        //   = 5,000,000 + 12,500,000 + 12,500,000 + 50,000,000 = 80,000,000 nano-dollars ($0.08).
        let opus = TokenCounts(input: 1_000, output: 500, cacheWrite: 2_000, cacheRead: 100_000)
        XCTAssertEqual(prices.entry(for: "claude-opus-4-5")?.rates.cost(of: opus), 80_000_000)
        // gemini-2.5-flash: 1,234,567 × 300 + 89,012 × 2500 + 0 + 10,000,000 × 30
        //   = 370,370,100 + 222,530,000 + 300,000,000 = 892,900,100 nano-dollars ($0.8929001).
        let flash = TokenCounts(input: 1_234_567, output: 89_012, cacheWrite: 0, cacheRead: 10_000_000)
        XCTAssertEqual(prices.entry(for: "gemini-2.5-flash")?.rates.cost(of: flash), 892_900_100)
        // gpt-5: 2,000,000 × 1250 + 300,000 × 10000 + 8,000,000 × 125 = 2.5e9 + 3e9 + 1e9 = $6.50.
        let gpt = TokenCounts(input: 2_000_000, output: 300_000, cacheRead: 8_000_000)
        XCTAssertEqual(prices.entry(for: "gpt-5")?.rates.cost(of: gpt), 6_500_000_000)
        XCTAssertEqual(prices.entry(for: "gpt-5")?.rates.cost(of: .zero), 0)
    }

    func testCostSaturatesInsteadOfTrapping() {
        let rates = Rates(input: 1_000_000_000, output: 1, cacheWrite: 1, cacheRead: 1)
        let huge = TokenCounts(input: TokenCounts.maxPerEvent * 1024 * 1024, output: 1)
        XCTAssertEqual(rates.cost(of: huge), .max)
        XCTAssertEqual(rates.cost(of: TokenCounts(output: .max, cacheRead: 1)), .max)
    }
}
