import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class CanonicalLogReaderTests: XCTestCase {
    private func line(_ n: Int, employee: String = "emp-1") -> String {
        #"{"id":"e-\#(n)","ts":\#(n * 1000),"employee":"\#(employee)","model":"claude-haiku-4-5","input":\#(n)}"#
    }

    private func readAll(_ reader: CanonicalLogReader, max: Int = 1000) throws -> [UsageEvent] {
        var all: [UsageEvent] = []
        var batch: [UsageEvent] = []
        while try reader.next(into: &batch, max: max) {
            XCTAssertLessThanOrEqual(batch.count, max)
            all += batch
            batch.removeAll()
        }
        XCTAssertTrue(batch.isEmpty)
        return all
    }

    func testCorruptLineIsCountedAndSkipped() throws {
        let folder = try TemporaryFolder()
        let text =
            [line(1), line(2), #"{"id":"e-3","ts":3000,"employee":"emp-1","model":"#, line(4), line(5)]
            .joined(separator: "\n") + "\n"
        let path = try folder.write("five.jsonl", text)
        let reader = try CanonicalLogReader(path: path)
        let events = try readAll(reader)
        XCTAssertEqual(events.map(\.id), ["e-1", "e-2", "e-4", "e-5"])
        XCTAssertEqual(events.map(\.counts.input), [1, 2, 4, 5])
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.linesRead, 5)
        XCTAssertEqual(reader.firstErrors.count, 1)
        XCTAssertEqual(reader.firstErrors.first?.line, 3)
        XCTAssertEqual(reader.firstErrors.first?.file, path)
        XCTAssertEqual(reader.firstErrors.first?.kind, .malformedJSON(offset: 49, expected: "a JSON value"))
        XCTAssertTrue(reader.firstErrors.first?.description.hasPrefix("\(path):3: malformed JSON") ?? false)
        XCTAssertEqual(reader.bytesRead, Int64(text.utf8.count))
        XCTAssertEqual(reader.fileSize, Int64(text.utf8.count))
    }

    func testStrictModeThrowsOnTheFirstBadLine() throws {
        let folder = try TemporaryFolder()
        let text = [line(1), line(2), #"{"ts":3000,"employee":"emp-1","model":"m","input":-1}"#, line(4), line(5)]
            .joined(separator: "\n")
        let reader = try CanonicalLogReader(path: try folder.write("strict.jsonl", text), strict: true)
        var events: [UsageEvent] = []
        XCTAssertThrowsError(try reader.next(into: &events, max: 100)) { error in
            let lineError = error as? LogLineError
            XCTAssertEqual(lineError?.line, 3)
            XCTAssertEqual(lineError?.kind, .countNegative(field: "input"))
            XCTAssertEqual(lineError?.reason, "input is negative")
        }
        XCTAssertEqual(events.map(\.id), ["e-1", "e-2"])
        XCTAssertEqual(reader.badLines, 1)
        // The bad line is consumed; reading can go on past it.
        events.removeAll()
        XCTAssertTrue(try reader.next(into: &events, max: 100))
        XCTAssertEqual(events.map(\.id), ["e-4", "e-5"])
        XCTAssertFalse(try reader.next(into: &events, max: 100))
    }

    func testChunkBoundariesFallAnywhere() throws {
        let folder = try TemporaryFolder()
        var lines: [String] = []
        for n in 1...40 {
            lines.append(n % 7 == 0 ? "" : line(n, employee: "employee-é-\(n)"))
            if n % 11 == 0 { lines.append("  \r") }
        }
        lines.append(#"{"ts":1,"employee":"x","model":"m","extra":"#)
        let text = lines.joined(separator: "\n")
        let path = try folder.write("chunks.jsonl", text)
        let expected = try readAll(try CanonicalLogReader(path: path))
        XCTAssertEqual(expected.count, 35)
        for chunkSize in [1, 2, 3, 5, 7, 16, 64, 100, 251, 4096] {
            let reader = try CanonicalLogReader(path: path, strict: false, chunkSize: chunkSize, maxLineLength: 1 << 20)
            XCTAssertEqual(try readAll(reader, max: 3), expected, "chunk size \(chunkSize)")
            XCTAssertEqual(reader.badLines, 1)
            XCTAssertEqual(reader.firstErrors.first?.line, lines.count)
            XCTAssertEqual(reader.linesRead, lines.count)
            XCTAssertEqual(reader.bytesRead, Int64(text.utf8.count))
        }
    }

    /// `nextBatch` builds its batches from the lines' bytes; they are the batches of the events `next` reads, table
    /// for table, whatever the lines hold: escapes and non-ASCII bytes (which go through strings), no id or
    /// session, another key order, unknown keys, blank and bad lines, and chunk boundaries anywhere.
    func testBatchesFromTheBytesAreTheBatchesOfTheEvents() throws {
        let folder = try TemporaryFolder()
        var lines: [String] = []
        for n in 1...300 {
            switch n % 10 {
            case 0:
                lines.append(
                    #"{"id":"e-\#(n)","ts":\#(n),"employee":"emp-\u00e9-\#(n % 7)","model":"gpt-5","#
                        + #""session":"s\"\#(n % 3)","input":\#(n)}"#
                )
            case 1:
                lines.append(
                    #"{"ts":\#(n),"employee":"émile-\#(n % 5)","model":"claude-sonnet-4-6","tool":"cursor","#
                        + #""output":\#(n)}"#
                )
            case 2:
                lines.append(
                    #"{"model":"acme-coder-2","employee":"emp-\#(n % 11)","ts":\#(n),"id":"","#
                        + #""extra":[1,{"a":null}],"cache_read":\#(n)}"#
                )
            case 3: lines.append("")
            case 4: lines.append(#"{"ts":\#(n),"employee":"emp-\#(n % 11)","model":"m","input":-1}"#)
            case 5:
                lines.append(
                    #"{ "id" : "e-\#(n)" , "ts" : \#(n) , "employee" : "emp-\#(n % 13)" , "#
                        + #""model" : "claude-haiku-4-5" , "tool" : "claude-code" , "session" : "s-\#(n % 4)" }"#
                )
            default:
                lines.append(
                    #"{"id":"e-\#(n)","ts":\#(n),"employee":"emp-\#(n % 17)","model":"claude-opus-4-6","#
                        + #""tool":"claude-code","session":"s-\#(n % 9)-0001","input":\#(n),"output":1,"#
                        + #""cache_write":2,"cache_read":3}"#
                )
            }
        }
        let text = lines.joined(separator: "\n")
        let path = try folder.write("mixed.jsonl", text)
        let events = try readAll(try CanonicalLogReader(path: path))
        XCTAssertEqual(events.count, 240)
        for (chunkSize, max) in [(4096, 1000), (7, 33), (64, 1), (100, 65_536)] {
            let reader = try CanonicalLogReader(path: path, strict: false, chunkSize: chunkSize, maxLineLength: 1 << 20)
            var batches: [EventBatch] = []
            var batch = EventBatch()
            while try reader.nextBatch(into: &batch, max: max) {
                XCTAssertLessThanOrEqual(batch.events.count, max)
                batches.append(batch)
            }
            XCTAssertTrue(batch.events.isEmpty)
            var expected: [EventBatch] = []
            var position = 0
            while position < events.count {
                let end = min(events.count, position + max)
                expected.append(EventBatch(converting: events[position..<end]))
                position = end
            }
            XCTAssertEqual(batches, expected, "chunk size \(chunkSize), max \(max)")
            XCTAssertEqual(reader.badLines, 30)
            XCTAssertEqual(reader.skippedLines, 30)
            XCTAssertEqual(reader.linesRead, 300)

            // Scanned on one thread and built on another, as a replay reads: the same batches.
            let scanning = try CanonicalLogReader(
                path: path,
                strict: false,
                chunkSize: chunkSize,
                maxLineLength: 1 << 20
            )
            var built: [EventBatch] = []
            var scanned = ScannedEvents()
            while try scanning.nextScanned(into: &scanned, max: max) {
                var builder = EventBatchBuilder()
                XCTAssertEqual(builder.append(contentsOf: scanned), scanned.count)
                built.append(builder.take())
            }
            XCTAssertTrue(scanned.isEmpty)
            XCTAssertEqual(built, expected, "scanned, chunk size \(chunkSize), max \(max)")
            XCTAssertEqual(scanning.badLines, 30)
            XCTAssertEqual(scanning.skippedLines, 30)
            XCTAssertEqual(scanning.linesRead, 300)
        }
    }

    /// `nextScanned` hands out at most `ScannedEvents.byteBudget` bytes of names (and the event that crosses it),
    /// whatever `max` allows, and the next call goes on from the next line.
    func testScannedEventsStopAtTheirByteBudget() throws {
        let folder = try TemporaryFolder()
        let session = String(repeating: "s", count: 200_000)
        let lines = (1...100).map { n in
            #"{"id":"e-\#(n)","ts":\#(n),"employee":"emp-\#(n)","model":"m","session":"\#(session)","input":\#(n)}"#
        }
        let reader = try CanonicalLogReader(path: try folder.write("long.jsonl", lines.joined(separator: "\n")))
        var scanned = ScannedEvents()
        var counts: [Int] = []
        var inputs: [UInt64] = []
        while try reader.nextScanned(into: &scanned, max: 65_536) {
            counts.append(scanned.count)
            XCTAssertLessThan(scanned.byteCount, ScannedEvents.byteBudget + 200_100)
            var builder = EventBatchBuilder()
            builder.append(contentsOf: scanned)
            inputs += builder.batch.events.map(\.counts.input)
        }
        // Each event's names take 200,000 bytes and a few dozen: the budget is crossed by the 84th.
        XCTAssertEqual(counts, [84, 16])
        XCTAssertEqual(inputs, Array(1...100))
    }

    /// In strict mode `nextScanned` throws the first bad line's error, with the events before it scanned, as
    /// `nextBatch` does.
    func testStrictScanningStopsAtTheFirstBadLine() throws {
        let folder = try TemporaryFolder()
        let text = [line(1), line(2), #"{"ts":3000,"employee":"","model":"m"}"#, line(4)].joined(separator: "\n")
        let reader = try CanonicalLogReader(path: try folder.write("strict.jsonl", text), strict: true)
        var scanned = ScannedEvents()
        XCTAssertThrowsError(try reader.nextScanned(into: &scanned, max: 100)) { error in
            XCTAssertEqual((error as? LogLineError)?.line, 3)
            XCTAssertEqual((error as? LogLineError)?.kind, .emptyField("employee"))
        }
        var builder = EventBatchBuilder()
        builder.append(contentsOf: scanned)
        XCTAssertEqual(builder.batch.events.map(\.counts.input), [1, 2])
        XCTAssertTrue(try reader.nextScanned(into: &scanned, max: 100))
        XCTAssertEqual(scanned.count, 1)
    }

    /// In strict mode `nextBatch` throws the first bad line's error, with the events before it in the batch.
    func testStrictBatchesStopAtTheFirstBadLine() throws {
        let folder = try TemporaryFolder()
        let text = [line(1), line(2), #"{"ts":3000,"employee":"","model":"m"}"#, line(4)].joined(separator: "\n")
        let reader = try CanonicalLogReader(path: try folder.write("strict.jsonl", text), strict: true)
        var batch = EventBatch()
        XCTAssertThrowsError(try reader.nextBatch(into: &batch, max: 100)) { error in
            XCTAssertEqual((error as? LogLineError)?.line, 3)
            XCTAssertEqual((error as? LogLineError)?.kind, .emptyField("employee"))
        }
        XCTAssertEqual(batch.events.map(\.counts.input), [1, 2])
        XCTAssertEqual(batch.employees, ["emp-1"])
        XCTAssertTrue(try reader.nextBatch(into: &batch, max: 100))
        XCTAssertEqual(batch.events.map(\.counts.input), [4])
    }

    func testMissingFinalNewline() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("tail.jsonl", line(1) + "\n" + line(2))
        let reader = try CanonicalLogReader(path: path, strict: false, chunkSize: 10, maxLineLength: 1 << 20)
        XCTAssertEqual(try readAll(reader).map(\.id), ["e-1", "e-2"])
        XCTAssertEqual(reader.linesRead, 2)
        XCTAssertEqual(reader.badLines, 0)
    }

    func testCRLFLineEndings() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("crlf.jsonl", line(1) + "\r\n" + line(2) + "\r\n")
        XCTAssertEqual(try readAll(try CanonicalLogReader(path: path)).map(\.id), ["e-1", "e-2"])
    }

    func testOverlongLinesAreBadLinesNotBuffered() throws {
        let folder = try TemporaryFolder()
        let long = #"{"ts":0,"employee":"e","model":"m","pad":""# + String(repeating: "x", count: 500) + #""}"#
        let text = [line(1), long, line(3), long].joined(separator: "\n")
        let path = try folder.write("long.jsonl", text)
        for chunkSize in [7, 64, 1000] {
            let reader = try CanonicalLogReader(path: path, strict: false, chunkSize: chunkSize, maxLineLength: 200)
            XCTAssertEqual(try readAll(reader).map(\.id), ["e-1", "e-3"], "chunk size \(chunkSize)")
            XCTAssertEqual(reader.badLines, 2)
            XCTAssertEqual(reader.linesRead, 4)
            XCTAssertEqual(reader.firstErrors.map(\.line), [2, 4])
            XCTAssertEqual(reader.firstErrors.first?.kind, .lineTooLong(limit: 200))
        }
        // Exactly at the limit is fine.
        let exact = #"{"ts":0,"employee":"e","model":"m","id":"a""# + String(repeating: " ", count: 10) + "}"
        let exactPath = try folder.write("exact.jsonl", exact + "\n" + exact)
        let reader = try CanonicalLogReader(
            path: exactPath,
            strict: false,
            chunkSize: 8,
            maxLineLength: exact.utf8.count
        )
        XCTAssertEqual(try readAll(reader).count, 2)
        XCTAssertEqual(reader.badLines, 0)
    }

    func testKeepsOnlyTheFirstHundredErrors() throws {
        let folder = try TemporaryFolder()
        let text = (1...150).map { "bad line \($0)" }.joined(separator: "\n")
        let reader = try CanonicalLogReader(path: try folder.write("bad.jsonl", text))
        XCTAssertEqual(try readAll(reader).count, 0)
        XCTAssertEqual(reader.badLines, 150)
        XCTAssertEqual(reader.firstErrors.count, 100)
        XCTAssertEqual(reader.firstErrors.last?.line, 100)
    }

    func testBatchesRespectMax() throws {
        let folder = try TemporaryFolder()
        let text = (1...10).map { line($0) }.joined(separator: "\n")
        let reader = try CanonicalLogReader(path: try folder.write("batches.jsonl", text))
        var sizes: [Int] = []
        var batch: [UsageEvent] = []
        while try reader.next(into: &batch, max: 4) {
            sizes.append(batch.count)
            batch.removeAll()
        }
        XCTAssertEqual(sizes, [4, 4, 2])
    }

    func testEmptyAndMissingFiles() throws {
        let folder = try TemporaryFolder()
        let reader = try CanonicalLogReader(path: try folder.write("empty.jsonl", ""))
        var events: [UsageEvent] = []
        XCTAssertFalse(try reader.next(into: &events, max: 10))
        XCTAssertEqual(reader.linesRead, 0)
        XCTAssertThrowsError(try CanonicalLogReader(path: folder.file("absent.jsonl"))) { error in
            XCTAssertEqual((error as? LogFileError)?.operation, "open")
            XCTAssertEqual((error as? LogFileError)?.code, ENOENT)
        }
    }
}
