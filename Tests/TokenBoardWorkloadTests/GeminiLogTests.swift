import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// Gemini usage records, read from the hand-written Fixtures/gemini.jsonl: line 1 a response with cached and
/// thinking tokens, 2 a Vertex AI batch prediction line (the response under `response`, no user), 3 tool-use
/// prompt tokens, 4 more cached tokens than prompt tokens, 5 an error without usage, 6 no time.
final class GeminiLogTests: XCTestCase {
    private let fixture = Fixtures.path("gemini.jsonl")

    func testFixtureGivesTheHandComputedEvents() throws {
        XCTAssertEqual(try LogFormat.detect(path: fixture), .gemini)
        let map = try EmployeeMap(text: "path:*/gemini.jsonl,gina@acme.com\nuser:bob,bob@acme.com\n", file: "test.map")
        let reader = try LogOpener(options: .init(employeeMap: map)).open(fixture)
        XCTAssertEqual(reader.format, .gemini)
        let events = try readAll(reader)
        XCTAssertEqual(
            events,
            [
                // promptTokenCount 5,000 include the 4,096 cached: input 904, cache reads 4,096; output is the 400
                // candidates plus the 1,200 thinking tokens: 6,600 in all, the record's totalTokenCount.
                UsageEvent(
                    id: "g-001",
                    timestampMillis: utcMillis(2026, 10, 3, 9) + 250,
                    employee: "fay",
                    model: "gemini-2.5-pro",
                    tool: "gemini-api",
                    counts: TokenCounts(input: 904, output: 1600, cacheWrite: 0, cacheRead: 4096)
                ),
                // A batch prediction line: no user, so the file's `path:` rule names the employee.
                UsageEvent(
                    id: "g-002",
                    timestampMillis: utcMillis(2026, 10, 3, 10, 30),
                    employee: "gina@acme.com",
                    model: "gemini-2.5-flash",
                    tool: "gemini-api",
                    counts: TokenCounts(input: 12, output: 3)
                ),
                // The 900 tool-use prompt tokens are input too: 100 + 900.
                UsageEvent(
                    id: "g-003",
                    timestampMillis: utcMillis(2026, 10, 4, 8),
                    employee: "fay",
                    model: "gemini-2.5-flash",
                    tool: "gemini-api",
                    counts: TokenCounts(input: 1000, output: 50)
                ),
            ]
        )
        XCTAssertEqual(events.totalTokens, 6600 + 15 + 1050)
        XCTAssertEqual(reader.linesRead, 6)
        XCTAssertEqual(reader.skippedLines, 1)
        XCTAssertEqual(reader.badLines, 2)
        XCTAssertEqual(reader.firstErrors.map(\.line), [4, 6])
        XCTAssertEqual(
            reader.firstErrors.first?.reason,
            "cachedContentTokenCount (20) exceeds promptTokenCount (10), which includes the cached tokens"
        )

        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in events { builder.add(event) }
        // gemini-2.5-pro at 1,250 / 10,000 / – / 125 nano-dollars: 904 × 1,250 + 1,600 × 10,000 + 4,096 × 125
        //   = 1,130,000 + 16,000,000 + 512,000;
        // gemini-2.5-flash at 300 / 2,500: 12 × 300 + 3 × 2,500 = 11,100 and 1,000 × 300 + 50 × 2,500 = 425,000.
        XCTAssertEqual(builder.build().totals.cost, 17_642_000 + 11_100 + 425_000)
    }

    func testEmployeeOptionTakesEveryRecord() throws {
        let events = try readAll(LogOpener(options: .init(employee: "zed")).open(fixture))
        XCTAssertEqual(events.map(\.employee), ["zed", "zed", "zed"])
    }
}
