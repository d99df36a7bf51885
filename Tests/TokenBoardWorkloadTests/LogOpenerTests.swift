import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// Format detection, the explicit choice, the canonical fixture, and reading several logs as one chain.
final class LogOpenerTests: XCTestCase {
    func testEachFixtureIsDetectedByItsContent() throws {
        XCTAssertEqual(try LogFormat.detect(path: Fixtures.path("canonical.jsonl")), .canonical)
        XCTAssertEqual(try LogFormat.detect(path: Fixtures.path("claude-code.jsonl")), .claudeCode)
        XCTAssertEqual(try LogFormat.detect(path: Fixtures.path("openai.jsonl")), .openAI)
        let folder = try TemporaryFolder()
        let binary = folder.file("log.tblog")
        let writer = try BinaryLogWriter(path: binary)
        try writer.close()
        XCTAssertEqual(try LogFormat.detect(path: binary), .binary)
    }

    func testDetectionLooksPastUndecidedAndBrokenLines() throws {
        let folder = try TemporaryFolder()
        // A summary line alone tells Claude Code (leafUuid) …
        let summary = try folder.write("summary.jsonl", #"{"type":"summary","summary":"x","leafUuid":"u"}"# + "\n")
        XCTAssertEqual(try LogFormat.detect(path: summary), .claudeCode)
        // … garbage and undecided objects are passed over …
        let later = try folder.write(
            "later.jsonl",
            "not json\n\n{\"hello\":1}\n{\"ts\":0,\"employee\":\"e\",\"model\":\"m\"}\n"
        )
        XCTAssertEqual(try LogFormat.detect(path: later), .canonical)
        // … and a first line longer than the detection window still tells by the keys before the cut.
        let long = #"{"sessionId":"s","message":{"content":""# + String(repeating: "x", count: 2 << 20) + "\"}}\n"
        XCTAssertEqual(try LogFormat.detect(path: folder.write("long.jsonl", long)), .claudeCode)
        // An empty file holds no events in any format.
        XCTAssertEqual(try LogFormat.detect(path: folder.write("empty.jsonl", "")), .canonical)
    }

    func testAnUnrecognisableLogIsRefusedWithAdvice() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("mystery.jsonl", "{\"a\":1}\nhello\n")
        XCTAssertThrowsError(try LogOpener(options: .init()).open(path)) { error in
            XCTAssertEqual((error as? LogOpenError)?.path, path)
            XCTAssertTrue("\(error)".contains("--format"), "\(error)")
        }
        // The same file read as canonical, by choice: two bad lines.
        let reader = try LogOpener(options: .init(format: .canonical)).open(path)
        XCTAssertEqual(try readAll(reader), [])
        XCTAssertEqual(reader.badLines, 2)
    }

    func testCanonicalFixtureGivesTheHandComputedEvents() throws {
        let path = Fixtures.path("canonical.jsonl")
        let reader = try LogOpener(options: .init()).open(path)
        let events = try readAll(reader)
        XCTAssertEqual(
            events,
            [
                // 100 + 20 + 300 + 4,000 = 4,420 tokens.
                UsageEvent(
                    id: "c-1",
                    timestampMillis: utcMillis(2026, 10, 1, 9),
                    employee: "alice",
                    model: "claude-sonnet-4-5",
                    tool: "claude-code",
                    session: "s-1",
                    counts: TokenCounts(input: 100, output: 20, cacheWrite: 300, cacheRead: 4000)
                ),
                // Keys in another order, an unknown nested key, 10:30 at +02:00 is 08:30 UTC: 55 tokens.
                UsageEvent(
                    timestampMillis: utcMillis(2026, 10, 1, 8, 30),
                    employee: "bob",
                    model: "gpt-5",
                    counts: TokenCounts(input: 50, output: 5)
                ),
                // Line 4, integer milliseconds: 1,790,899,200,000 is 2026-10-02T00:00:00Z.
                UsageEvent(
                    id: "c-3",
                    timestampMillis: utcMillis(2026, 10, 2),
                    employee: "alice",
                    model: "gpt-5",
                    tool: "codex-cli",
                    counts: TokenCounts(cacheRead: 1000)
                ),
                // Line 6 (line 5 writes its output as a string): 7 + 3 = 10.
                UsageEvent(
                    id: "c-5",
                    timestampMillis: utcMillis(2026, 10, 2, 12, 0, 1),
                    employee: "carol",
                    model: "claude-haiku-4-5",
                    counts: TokenCounts(input: 7, output: 3)
                ),
            ]
        )
        XCTAssertEqual(events.totalTokens, 4420 + 55 + 1000 + 10)
        XCTAssertEqual(reader.linesRead, 6)
        XCTAssertEqual(reader.skippedLines, 1)
        XCTAssertEqual(reader.firstErrors.map(\.description), ["\(path):5: output must be an integer token count"])
    }

    func testEmployeeOptionIsRefusedForLogsThatNameTheirEmployees() throws {
        let opener = LogOpener(options: .init(employee: "alice"))
        XCTAssertThrowsError(try opener.open(Fixtures.path("canonical.jsonl"))) { error in
            XCTAssertTrue("\(error)".contains("this is a canonical log"), "\(error)")
        }
        XCTAssertThrowsError(try LogOpener(options: .init(employee: "")).open(Fixtures.path("claude-code.jsonl"))) {
            error in
            XCTAssertTrue("\(error)".contains("--employee must be 1 to 256 bytes"), "\(error)")
        }
    }

    func testMissingFilesAndFoldersAreRefused() throws {
        let folder = try TemporaryFolder()
        let opener = LogOpener(options: .init())
        XCTAssertThrowsError(try opener.open(folder.file("absent.jsonl"))) { error in
            XCTAssertEqual((error as? LogFileError)?.code, ENOENT)
        }
        XCTAssertThrowsError(try opener.open(folder.path)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
    }

    func testAChainReadsMixedFormatsInOrderAndAddsUpTheirCounts() throws {
        let map = try EmployeeMap(contentsOf: Fixtures.path("employees.map"))
        let opener = LogOpener(options: .init(employeeMap: map))
        let paths = ["canonical.jsonl", "claude-code.jsonl", "openai.jsonl"].map(Fixtures.path)
        let chain = try LogChain(paths: paths, opener: opener)
        XCTAssertEqual(chain.sources.map(\.format), [.canonical, .claudeCode, .openAI])
        XCTAssertEqual(chain.sources.map(\.employee), [nil, "alice@acme.com", "dave@acme.com"])
        let sizes = try paths.map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as! Int }
        XCTAssertEqual(chain.totalBytes, Int64(sizes.reduce(0, +)))
        let events = try readAll(chain)
        XCTAssertEqual(events.count, 4 + 3 + 4)
        XCTAssertEqual(chain.events, 11)
        XCTAssertEqual(events.totalTokens, 5485 + 66_890 + 8160)
        XCTAssertEqual(chain.linesRead, 6 + 12 + 6)
        XCTAssertEqual(chain.skippedLines, 1 + 8 + 1)
        XCTAssertEqual(chain.badLines, 1 + 1 + 1)
        XCTAssertEqual(chain.firstErrors.map(\.line), [5, 8, 4])
        XCTAssertEqual(chain.position, chain.totalBytes)
    }

    func testAChainChecksEveryFileBeforeReadingAny() throws {
        let opener = LogOpener(options: .init())
        XCTAssertThrowsError(
            try LogChain(paths: [Fixtures.path("canonical.jsonl"), Fixtures.path("claude-code.jsonl")], opener: opener)
        ) { error in
            XCTAssertEqual((error as? LogOpenError)?.path, Fixtures.path("claude-code.jsonl"))
        }
    }
}
