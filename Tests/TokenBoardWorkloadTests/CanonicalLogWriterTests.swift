import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class CanonicalLogWriterTests: XCTestCase {
    private let tricky: [UsageEvent] = [
        UsageEvent(
            id: "e-0000001",
            timestampMillis: 1_790_842_530_123,
            employee: "emp-00042",
            model: "claude-sonnet-4-5",
            tool: "claude-code",
            session: "s-00042-0007",
            counts: TokenCounts(input: 1200, output: 350, cacheWrite: 0, cacheRead: 48000)
        ),
        UsageEvent(
            id:
                "quote \" backslash \\ slash / tab \t newline \n cr \r bs \u{08} ff \u{0C} nul \u{0} us \u{1F} del \u{7F}",
            timestampMillis: 0,
            employee: "josé 😀 中文",
            model: "acme-experimental-7b",
            tool: "",
            session: "",
            counts: TokenCounts(
                input: TokenCounts.maxPerEvent,
                output: 1,
                cacheWrite: 22,
                cacheRead: 333
            )
        ),
        UsageEvent(timestampMillis: -1, employee: "before-1970", model: "m", counts: .zero),
        // Year 10000 has no four-digit form: written as integer milliseconds.
        UsageEvent(timestampMillis: 253_402_300_800_000, employee: "far-future", model: "m", counts: .zero),
        UsageEvent(timestampMillis: 253_402_300_799_999, employee: "last-ms-of-9999", model: "m", counts: .zero),
    ]

    private func write(_ events: [UsageEvent], to path: String, bufferSize: Int = 1 << 20) throws {
        var writer = try CanonicalLogWriter(path: path, bufferSize: bufferSize)
        for event in events { try writer.write(event) }
        try writer.close()
    }

    func testExactOutput() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("one.jsonl")
        try write([tricky[0]], to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(
            text,
            """
            {"id":"e-0000001","ts":"2026-10-01T08:15:30.123Z","employee":"emp-00042","model":"claude-sonnet-4-5",\
            "tool":"claude-code","session":"s-00042-0007","input":1200,"output":350,"cache_write":0,"cache_read":48000}

            """
        )
    }

    func testTimestampsAndEscapesAsWritten() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("lines.jsonl")
        try write(tricky, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, tricky.count)
        XCTAssertTrue(lines[1].contains(#""ts":"1970-01-01T00:00:00.000Z""#))
        XCTAssertTrue(
            lines[1].contains(
                #""id":"quote \" backslash \\ slash / tab \t newline \n cr \r bs \b ff \f nul \u0000 us \u001f del "#
            )
        )
        XCTAssertTrue(lines[1].contains(#""employee":"josé 😀 中文""#))
        XCTAssertTrue(lines[2].contains(#""ts":"1969-12-31T23:59:59.999Z""#))
        XCTAssertTrue(lines[3].contains(#""ts":253402300800000,"#))
        XCTAssertTrue(lines[4].contains(#""ts":"9999-12-31T23:59:59.999Z""#))
    }

    func testRoundTripThroughTheParserAndReader() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("round.jsonl")
        // A small buffer forces flushes mid-stream, and a string longer than the buffer takes the slow path.
        var events = tricky
        events.append(
            UsageEvent(
                timestampMillis: 5,
                employee: "e",
                model: "m",
                session: String(repeating: "\"x\n", count: 3000),
                counts: .zero
            )
        )
        for n in 0..<500 {
            events.append(
                UsageEvent(
                    id: "e-\(n)",
                    timestampMillis: Int64(n) * 999_999,
                    employee: "emp-\(n % 17)",
                    model: n % 2 == 0 ? "gpt-5" : "claude-opus-4-5",
                    tool: "cursor",
                    session: "s-\(n)",
                    counts: TokenCounts(
                        input: UInt64(n),
                        output: UInt64(n * 3),
                        cacheWrite: 7,
                        cacheRead: UInt64(n) << 20
                    )
                )
            )
        }
        try write(events, to: path, bufferSize: 4096)
        let reader = try CanonicalLogReader(path: path, strict: true)
        var read: [UsageEvent] = []
        while try reader.next(into: &read, max: 64) {}
        XCTAssertEqual(read, events)
    }

    func testFoundationReadsTheSameValues() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("foundation.jsonl")
        try write(tricky, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        for (line, event) in zip(lines, tricky) {
            let object = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not an object: \(line)"
            )
            XCTAssertEqual(object["id"] as? String, event.id)
            XCTAssertEqual(object["employee"] as? String, event.employee)
            XCTAssertEqual(object["model"] as? String, event.model)
            XCTAssertEqual(object["tool"] as? String, event.tool)
            XCTAssertEqual(object["session"] as? String, event.session)
            XCTAssertEqual((object["input"] as? NSNumber)?.uint64Value, event.counts.input)
            XCTAssertEqual((object["output"] as? NSNumber)?.uint64Value, event.counts.output)
            XCTAssertEqual((object["cache_write"] as? NSNumber)?.uint64Value, event.counts.cacheWrite)
            XCTAssertEqual((object["cache_read"] as? NSNumber)?.uint64Value, event.counts.cacheRead)
            if let text = object["ts"] as? String {
                var parser = CanonicalLineParser()
                let reparsed = try parser.parse(#"{"ts":"\#(text)","employee":"e","model":"m"}"#)
                XCTAssertEqual(reparsed?.timestampMillis, event.timestampMillis)
            } else {
                XCTAssertEqual((object["ts"] as? NSNumber)?.int64Value, event.timestampMillis)
            }
        }
    }

    func testWritingAfterCloseFailsAndBytesAreCounted() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("closed.jsonl")
        var writer = try CanonicalLogWriter(path: path)
        try writer.write(tricky[0])
        try writer.close()
        XCTAssertEqual(writer.bytesWritten, Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count))
        XCTAssertThrowsError(try writer.write(tricky[0])) { error in
            XCTAssertEqual((error as? LogFileError)?.code, EBADF)
        }
        XCTAssertThrowsError(try CanonicalLogWriter(path: folder.file("no/such/folder.jsonl")))
    }
}
