import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// OpenAI Batch API output files, read from the hand-written Fixtures/openai-batch.jsonl: line 1 a chat completion
/// with cached tokens, 2 a Responses API body, 3 a request that expired (no response), 4 a request the API refused
/// (an error body), 5 more cached tokens than prompt tokens.
final class OpenAIBatchLogTests: XCTestCase {
    private let fixture = Fixtures.path("openai-batch.jsonl")

    func testFixtureGivesTheHandComputedEvents() throws {
        XCTAssertEqual(try LogFormat.detect(path: fixture), .openAI)
        let reader = try LogOpener(options: .init(employee: "eval-service")).open(fixture)
        XCTAssertEqual(reader.format, .openAI)
        let events = try readAll(reader)
        XCTAssertEqual(
            events,
            [
                // prompt_tokens 2,000 include the 1,536 cached: input 464, cache reads 1,536, output 150 = the
                // body's 2,150 total_tokens. The id is the completion's, not the batch line's.
                UsageEvent(
                    id: "chatcmpl-B01",
                    timestampMillis: utcMillis(2026, 10, 2, 10),
                    employee: "eval-service",
                    model: "gpt-4o",
                    tool: "openai-api",
                    counts: TokenCounts(input: 464, output: 150, cacheWrite: 0, cacheRead: 1536)
                ),
                // Responses API body: 3,000 input tokens, none cached; 1,200 output (900 reasoning inside).
                UsageEvent(
                    id: "resp_B02",
                    timestampMillis: utcMillis(2026, 10, 2, 11),
                    employee: "eval-service",
                    model: "gpt-5",
                    tool: "openai-api",
                    counts: TokenCounts(input: 3000, output: 1200)
                ),
            ]
        )
        XCTAssertEqual(events.totalTokens, 2150 + 4200)
        XCTAssertEqual(reader.linesRead, 5)
        XCTAssertEqual(reader.skippedLines, 2)
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.firstErrors.map(\.line), [5])
        XCTAssertEqual(
            reader.firstErrors.first?.reason,
            "prompt_tokens_details.cached_tokens (11) exceeds prompt_tokens (10), which includes the cached tokens"
        )

        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in events { builder.add(event) }
        // gpt-4o at 2,500 / 10,000 / – / 1,250 nano-dollars: 464 × 2,500 + 150 × 10,000 + 1,536 × 1,250 = 4,580,000;
        // gpt-5 at 1,250 / 10,000: 3,000 × 1,250 + 1,200 × 10,000 = 15,750,000.
        XCTAssertEqual(builder.build().totals.cost, 4_580_000 + 15_750_000)
    }

    func testBatchLinesNameNoUserSoTheyNeedAnEmployee() throws {
        let reader = try LogOpener(options: .init()).open(fixture)
        XCTAssertEqual(try readAll(reader), [])
        XCTAssertEqual(reader.firstErrors.map(\.line), [1, 2, 5])
        XCTAssertEqual(reader.firstErrors.first?.kind, .noEmployee)
    }
}
