import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// OpenAI-style usage records, read from the hand-written Fixtures/openai.jsonl: line 1 a chat completion with
/// cached tokens, 2 a Responses API record, 3 a flat record without a user, 4 more cached tokens than prompt
/// tokens, 5 an error without usage, 6 a chat completion whose user a `user:` rule maps.
final class OpenAILogTests: XCTestCase {
    private let fixture = Fixtures.path("openai.jsonl")

    private func opener(employee: String? = nil, map: Bool = true) throws -> LogOpener {
        try LogOpener(
            options: .init(
                employee: employee,
                employeeMap: map ? EmployeeMap(contentsOf: Fixtures.path("employees.map")) : nil
            )
        )
    }

    func testFixtureGivesTheHandComputedEvents() throws {
        let reader = try opener().open(fixture)
        XCTAssertEqual(reader.format, .openAI)
        let events = try readAll(reader)
        XCTAssertEqual(
            events,
            [
                // prompt_tokens 1,200 include the 1,024 cached ones: input 176, cache reads 1,024, output 300;
                // 1,500 tokens in all, the record's own total_tokens, so nothing is billed twice. User bob is
                // mapped by `user:bob`.
                UsageEvent(
                    id: "chatcmpl-001",
                    timestampMillis: utcMillis(2026, 10, 1, 9),
                    employee: "bob@acme.com",
                    model: "gpt-4o",
                    tool: "openai-api",
                    counts: TokenCounts(input: 176, output: 300, cacheWrite: 0, cacheRead: 1024)
                ),
                // Responses API: 5,000 input tokens of which 4,096 cached: input 904; output 700 (its 512
                // reasoning tokens are inside). User carol has no rule: the user is the employee key.
                UsageEvent(
                    id: "resp_002",
                    timestampMillis: utcMillis(2026, 10, 1, 11, 15),
                    employee: "carol",
                    model: "gpt-5",
                    tool: "openai-api",
                    counts: TokenCounts(input: 904, output: 700, cacheWrite: 0, cacheRead: 4096)
                ),
                // No user: the file's `path:` rule gives dave@acme.com; usage at the top level, no cached tokens.
                UsageEvent(
                    timestampMillis: utcMillis(2026, 10, 2, 15),
                    employee: "dave@acme.com",
                    model: "gpt-4.1",
                    tool: "openai-api",
                    counts: TokenCounts(input: 800, output: 100)
                ),
                // Line 6: erin matches `user:e?in`; `prompt_tokens_details` is null.
                UsageEvent(
                    id: "chatcmpl-006",
                    timestampMillis: utcMillis(2026, 10, 2, 8),
                    employee: "erin@acme.com",
                    model: "gpt-4o",
                    tool: "openai-api",
                    counts: TokenCounts(input: 50, output: 10)
                ),
            ]
        )
        // 1,500 + 5,700 + 900 + 60.
        XCTAssertEqual(events.totalTokens, 8160)
        XCTAssertEqual(reader.linesRead, 6)
        XCTAssertEqual(reader.skippedLines, 1)
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.firstErrors.map(\.line), [4])
        XCTAssertEqual(
            reader.firstErrors.first?.reason,
            "prompt_tokens_details.cached_tokens (120) exceeds prompt_tokens (100), which includes the cached tokens"
        )
    }

    func testCostsOfTheFixtureByHand() throws {
        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in try readAll(opener().open(fixture)) { builder.add(event) }
        let manifest = builder.build()
        // gpt-4o at 2,500 / 10,000 / – / 1,250 nano-dollars: 176 × 2,500 + 300 × 10,000 + 1,024 × 1,250 = 4,720,000
        //   and 50 × 2,500 + 10 × 10,000 = 225,000;
        // gpt-5 at 1,250 / 10,000 / – / 125: 904 × 1,250 + 700 × 10,000 + 4,096 × 125 = 8,642,000;
        // gpt-4.1 at 2,000 / 8,000: 800 × 2,000 + 100 × 8,000 = 2,400,000.
        XCTAssertEqual(manifest.totals.cost, 4_720_000 + 225_000 + 8_642_000 + 2_400_000)
        XCTAssertEqual(manifest.totals.unpricedTokens, 0)
        XCTAssertEqual(manifest.employees.map(\.employee), ["bob@acme.com", "carol", "dave@acme.com", "erin@acme.com"])
    }

    func testEmployeeOptionTakesEveryRecord() throws {
        let events = try readAll(opener(employee: "zed", map: true).open(fixture))
        XCTAssertEqual(events.map(\.employee), ["zed", "zed", "zed", "zed"])
    }

    func testARecordWithoutUserOrMappingIsABadLine() throws {
        let reader = try opener(map: false).open(fixture)
        let events = try readAll(reader)
        XCTAssertEqual(events.map(\.employee), ["bob", "carol", "erin"])
        XCTAssertEqual(reader.firstErrors.map(\.line), [3, 4])
        XCTAssertEqual(reader.firstErrors.first?.kind, .noEmployee)
    }

    func testFieldsAreChecked() throws {
        let folder = try TemporaryFolder()
        let lines = [
            #"{"created":1790845200,"model":"gpt-4o","user":"u","usage":{"prompt_tokens":-5}}"#,
            #"{"created":1.5,"model":"gpt-4o","user":"u","usage":{"prompt_tokens":5}}"#,
            #"{"model":"gpt-4o","user":"u","usage":{"prompt_tokens":5}}"#,
            #"{"created":1790845200,"user":"u","usage":{"prompt_tokens":5}}"#,
            #"{"created":1790845200,"model":"gpt-4o","user":"u","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":11}}}"#,
            #"{"created":1790845200,"model":"gpt-4o","user":"u","usage":[]}"#,
            #"{"created_at":1790845200,"model":"gpt-4o","user":"u","usage":{"output_tokens":3}}"#,
        ]
        let reader = try opener(map: false).open(try folder.write("checks.jsonl", lines.joined(separator: "\n")))
        let events = try readAll(reader)
        XCTAssertEqual(events.map(\.counts), [TokenCounts(output: 3)])
        XCTAssertEqual(
            reader.firstErrors.map(\.kind),
            [
                .countNegative(field: "usage.prompt_tokens"),
                .invalidTimestamp("1.5"),
                .missingField("created"),
                .missingField("model"),
                .inconsistentCounts(
                    "input_tokens_details.cached_tokens (11) exceeds input_tokens (10), which includes the cached tokens"
                ),
                .wrongType(field: "usage", expected: "an object"),
            ]
        )
    }
}
