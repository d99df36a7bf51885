import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// Claude Code session logs, read from the hand-written Fixtures/claude-code.jsonl: 12 lines, of which
/// line 1 is a summary, 2 and 6 are user turns, 3–5 are one response (msg_01AAAA) written as three blocks, 7 is a
/// response, 8 is cut off mid-line, 9 is a response on the next day, 10 a zero-usage `<synthetic>` message,
/// 11 blank and 12 a copy of line 9.
final class ClaudeCodeLogTests: XCTestCase {
    private let session = "7f1e2d3c-aaaa-4bbb-8ccc-000000000001"
    private let fixture = Fixtures.path("claude-code.jsonl")

    /// The three events the fixture holds, worked out by hand from its lines.
    private func expectedEvents(employee: String) -> [UsageEvent] {
        [
            // Lines 3, 4 and 5 carry the same usage but output 1, 1 and 250: the largest copy is line 5's,
            // 10 + 250 + 2,000 + 15,000 = 17,260 tokens, with line 5's time.
            UsageEvent(
                id: "msg_01AAAA:req_011AAAA",
                timestampMillis: utcMillis(2026, 10, 1, 9, 0, 7, 300),
                employee: employee,
                model: "claude-sonnet-4-5-20250929",
                tool: "claude-code",
                session: session,
                counts: TokenCounts(input: 10, output: 250, cacheWrite: 2000, cacheRead: 15000)
            ),
            // Line 7: 4 + 120 + 500 + 17,000 = 17,624.
            UsageEvent(
                id: "msg_01BBBB:req_011BBBB",
                timestampMillis: utcMillis(2026, 10, 1, 9, 1, 30),
                employee: employee,
                model: "claude-sonnet-4-5-20250929",
                tool: "claude-code",
                session: session,
                counts: TokenCounts(input: 4, output: 120, cacheWrite: 500, cacheRead: 17000)
            ),
            // Line 9 (line 12 is the same response again): 6 + 800 + 1,200 + 30,000 = 32,006, at 00:10 on 2 October.
            UsageEvent(
                id: "msg_01DDDD:req_011DDDD",
                timestampMillis: utcMillis(2026, 10, 2, 0, 10),
                employee: employee,
                model: "claude-opus-4-5-20251101",
                tool: "claude-code",
                session: session,
                counts: TokenCounts(input: 6, output: 800, cacheWrite: 1200, cacheRead: 30000)
            ),
        ]
    }

    func testFixtureGivesTheHandComputedEvents() throws {
        let opener = LogOpener(options: .init(format: .claudeCode, employee: "alice@acme.com"))
        let reader = try opener.open(fixture)
        XCTAssertEqual(reader.format, .claudeCode)
        let events = try readAll(reader, max: 2)
        XCTAssertEqual(events, expectedEvents(employee: "alice@acme.com"))
        // 17,260 + 17,624 + 32,006.
        XCTAssertEqual(events.totalTokens, 66_890)
        // Every line is accounted for: 3 events, 1 bad (line 8), 8 skipped (the summary, two user turns, two
        // extra copies of msg_01AAAA, the <synthetic> line, the blank line, the copy of msg_01DDDD).
        XCTAssertEqual(reader.linesRead, 12)
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.skippedLines, 8)
        XCTAssertEqual(reader.firstErrors.map(\.line), [8])
        XCTAssertEqual(reader.firstErrors.first?.file, fixture)
        XCTAssertTrue(
            reader.firstErrors.first?.description.hasPrefix("\(fixture):8: malformed JSON") ?? false,
            "\(reader.firstErrors)"
        )
    }

    /// Scanned for a replay's two reading threads (`nextScanned`, through the format's default of decoding the
    /// events and copying them), the fixture gives the same three events, the one held back until the end of the
    /// file included, with every line accounted for as in `next`.
    func testScanningGivesTheHandComputedEvents() throws {
        let opener = LogOpener(options: .init(format: .claudeCode, employee: "alice@acme.com"))
        let reader = try opener.open(fixture)
        var builder = EventBatchBuilder()
        var scanned = ScannedEvents()
        while try reader.nextScanned(into: &scanned, max: 2) { builder.append(contentsOf: scanned) }
        XCTAssertEqual(builder.take(), EventBatch(converting: expectedEvents(employee: "alice@acme.com")))
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.linesRead, 12)
    }

    func testCostsOfTheFixtureByHand() throws {
        let opener = LogOpener(options: .init(employee: "alice@acme.com"))
        var builder = ManifestBuilder(priceBook: try TestPrices.book())
        for event in try readAll(opener.open(fixture)) { builder.add(event) }
        let manifest = builder.build()
        // Sonnet 4.5 (the date suffix resolves) at 3,000 / 15,000 / 3,750 / 300 nano-dollars per token:
        //   msg_01AAAA 10 × 3,000 + 250 × 15,000 + 2,000 × 3,750 + 15,000 × 300 = 15,780,000
        //   msg_01BBBB  4 × 3,000 + 120 × 15,000 +   500 × 3,750 + 17,000 × 300 =  8,787,000
        // Opus 4.5 at 5,000 / 25,000 / 6,250 / 500:
        //   msg_01DDDD  6 × 5,000 + 800 × 25,000 + 1,200 × 6,250 + 30,000 × 500 = 42,530,000
        XCTAssertEqual(manifest.totals.cost, 67_097_000)
        XCTAssertEqual(manifest.totals.tokens, 66_890)
        XCTAssertEqual(manifest.employees.map(\.employee), ["alice@acme.com"])
        XCTAssertEqual(manifest.byDay.map(\.label), ["2026-10-01", "2026-10-02"])
        XCTAssertEqual(manifest.byDay.map(\.tokens), [34_884, 32_006])
    }

    func testStrictModeStopsAtTheCutLineAndCanGoOn() throws {
        let opener = LogOpener(options: .init(strict: true, employee: "alice@acme.com"))
        let reader = try opener.open(fixture)
        var events: [UsageEvent] = []
        XCTAssertThrowsError(try reader.next(into: &events, max: 100)) { error in
            XCTAssertEqual((error as? LogLineError)?.line, 8)
            XCTAssertEqual((error as? LogLineError)?.file, fixture)
        }
        // Responses are held back for later copies, so nothing has come out yet; the rest is still read.
        XCTAssertEqual(events, [])
        XCTAssertEqual(try readAll(reader), expectedEvents(employee: "alice@acme.com"))
    }

    func testALogWithoutAnEmployeeIsRefusedNamingTheFile() throws {
        let opener = LogOpener(options: .init())
        XCTAssertThrowsError(try opener.open(fixture)) { error in
            let refusal = error as? LogOpenError
            XCTAssertEqual(refusal?.path, fixture)
            XCTAssertTrue(refusal?.reason.contains("--employee") ?? false, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("cannot read \(fixture): a Claude Code log names no employee"))
        }
    }

    func testTheEmployeeMapNamesTheEmployeeByPath() throws {
        let map = try EmployeeMap(contentsOf: Fixtures.path("employees.map"))
        let opener = LogOpener(options: .init(employeeMap: map))
        XCTAssertEqual(try readAll(opener.open(fixture)), expectedEvents(employee: "alice@acme.com"))
        // --employee wins over the map.
        let explicit = LogOpener(options: .init(employee: "bob", employeeMap: map))
        XCTAssertEqual(try readAll(explicit.open(fixture)).map(\.employee), ["bob", "bob", "bob"])
    }

    func testAResponseCopiedIntoALaterFileIsCountedOnce() throws {
        let folder = try TemporaryFolder()
        let lines = try Fixtures.lines("claude-code.jsonl")
        // A resumed session starts a new file with the conversation so far (line 5, the largest copy of
        // msg_01AAAA, and line 7), then goes on with a new response of 1 + 2 + 3 + 4 = 10 tokens.
        let newResponse =
            #"{"sessionId":"s-2","requestId":"req_2","message":{"id":"msg_2","model":"claude-haiku-4-5","usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":3,"cache_read_input_tokens":4}},"timestamp":"2026-10-02T08:00:00Z"}"#
        let resumed = try folder.write("resumed.jsonl", [lines[4], lines[6], newResponse].joined(separator: "\n"))
        let opener = LogOpener(options: .init(employee: "alice"))
        let chain = try LogChain(paths: [fixture, resumed], opener: opener)
        let events = try readAll(chain)
        XCTAssertEqual(
            events.map(\.id),
            ["msg_01AAAA:req_011AAAA", "msg_01BBBB:req_011BBBB", "msg_01DDDD:req_011DDDD", "msg_2:req_2"]
        )
        XCTAssertEqual(events.totalTokens, 66_890 + 10)
        XCTAssertEqual(chain.linesRead, 15)
        XCTAssertEqual(chain.skippedLines, 8 + 2)
        XCTAssertEqual(chain.badLines, 1)
        XCTAssertEqual(opener.counted.count, 4)
    }

    func testALargerCopyFoundTooLateIsReportedNotLost() throws {
        let folder = try TemporaryFolder()
        let lines = try Fixtures.lines("claude-code.jsonl")
        // Line 7 again in a later file, but with 999 output tokens instead of 120: it cannot replace the copy
        // already counted (17,624 tokens), so it is a bad line, not a silent loss.
        let larger = lines[6].replacingOccurrences(of: #""output_tokens":120"#, with: #""output_tokens":999"#)
        XCTAssertNotEqual(larger, lines[6])
        let later = try folder.write("later.jsonl", larger + "\n")
        let opener = LogOpener(options: .init(employee: "alice"))
        let chain = try LogChain(paths: [fixture, later], opener: opener)
        XCTAssertEqual(try readAll(chain).count, 3)
        XCTAssertEqual(chain.badLines, 2)
        let error = chain.firstErrors.last
        XCTAssertEqual(error?.file, later)
        XCTAssertEqual(error?.line, 1)
        // 4 + 999 + 500 + 17,000 = 18,503.
        XCTAssertEqual(error?.kind, .laterCopyLarger(id: "msg_01BBBB:req_011BBBB", counted: 17_624, found: 18_503))
    }

    func testTheWindowReleasesTheOldestResponseAndRemembersIt() throws {
        let folder = try TemporaryFolder()
        func response(_ n: Int, output: Int, request: String? = "req") -> String {
            let requestField = request.map { #""requestId":"\#($0)-\#(n)","# } ?? ""
            return
                #"{\#(requestField)"message":{"id":"m-\#(n)","model":"m","usage":{"output_tokens":\#(output)}},"timestamp":"2026-10-01T00:00:0\#(n)Z"}"#
        }
        let text = [
            response(1, output: 10), response(2, output: 20), response(1, output: 11),  // r1 still held: replaced
            response(3, output: 30),  // r1 leaves the window of 2
            response(1, output: 5),  // a smaller copy of r1 after it left: a duplicate
            response(1, output: 12),  // a larger one: reported
            response(4, output: 40, request: nil), response(4, output: 40, request: nil),  // no request id: both count
        ].joined(separator: "\n")
        let path = try folder.write("window.jsonl", text)
        let reader = try ClaudeCodeLogReader(
            path: path,
            strict: false,
            decoder: ClaudeCodeDecoder(employee: "e", counted: CountedResponses(), window: 2)
        )
        let events = try readAll(reader, max: 1)
        XCTAssertEqual(events.map(\.id), ["m-1:req-1", "m-2:req-2", "m-3:req-3", "m-4", "m-4"])
        XCTAssertEqual(events.map(\.counts.output), [11, 20, 30, 40, 40])
        XCTAssertEqual(events.first?.timestampMillis, utcMillis(2026, 10, 1, 0, 0, 1))
        XCTAssertEqual(reader.skippedLines, 2)
        XCTAssertEqual(reader.firstErrors.map(\.line), [6])
        XCTAssertEqual(reader.firstErrors.first?.kind, .laterCopyLarger(id: "m-1:req-1", counted: 11, found: 12))
    }

    func testUsageFieldsAreCheckedLikeCanonicalCounts() throws {
        var parser = ClaudeCodeLineParser()
        func parse(_ line: String) throws(LogLineError.Reason) -> ClaudeCodeRecord? {
            var copy = line
            let result = copy.withUTF8 { utf8 -> Result<ClaudeCodeRecord?, LogLineError.Reason> in
                do throws(LogLineError.Reason) {
                    return .success(try parser.parse(UnsafeRawBufferPointer(utf8)))
                } catch {
                    return .failure(error)
                }
            }
            return try result.get()
        }
        let head = #"{"timestamp":"2026-10-01T00:00:00Z","message":{"model":"m","usage":"#
        XCTAssertThrowsError(try parse(head + #"{"input_tokens":-1}}}"#)) {
            XCTAssertEqual($0 as? LogLineError.Reason, .countNegative(field: "message.usage.input_tokens"))
        }
        XCTAssertThrowsError(try parse(head + #"{"output_tokens":1.5}}}"#)) {
            XCTAssertEqual($0 as? LogLineError.Reason, .countNotInteger(field: "message.usage.output_tokens"))
        }
        XCTAssertThrowsError(try parse(head + #""lots"}}"#)) {
            XCTAssertEqual($0 as? LogLineError.Reason, .wrongType(field: "message.usage", expected: "an object"))
        }
        XCTAssertThrowsError(try parse(#"{"message":{"model":"m","usage":{"output_tokens":1}}}"#)) {
            XCTAssertEqual($0 as? LogLineError.Reason, .missingField("timestamp"))
        }
        XCTAssertThrowsError(
            try parse(#"{"timestamp":"2026-10-01T00:00:00Z","message":{"usage":{"output_tokens":1}}}"#)
        ) {
            XCTAssertEqual($0 as? LogLineError.Reason, .missingField("message.model"))
        }
        XCTAssertThrowsError(try parse(#"[1]"#)) { XCTAssertEqual($0 as? LogLineError.Reason, .notAnObject) }
        // No usage, null usage, a `message` that is not an object: nothing to count, not an error.
        XCTAssertNil(try parse(#"{"type":"user","message":{"role":"user","content":"hi"}}"#))
        XCTAssertNil(try parse(head + "null}}"))
        XCTAssertNil(try parse(#"{"type":"system","message":"compacted"}"#))
        XCTAssertEqual(
            try parse(head + #"{"cache_read_input_tokens":7}}}"#)?.counts,
            TokenCounts(input: 0, output: 0, cacheWrite: 0, cacheRead: 7)
        )
    }
}
