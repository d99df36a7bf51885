import Foundation
import TokenBoardCore
import TokenBoardWorkload
import XCTest

@testable import TokenBoardClient

/// `LogBatchReader` hands out the batches a reader's `nextBatch` would, log after log, whether it reads on two
/// threads (text logs) or one (binary): checked against batches made independently from the events written.
final class LogBatchReaderTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "log-batch-reader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func events(_ count: Int, seed: UInt64) -> [UsageEvent] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let employee = Int.random(in: 0..<700, using: &rng)
            return UsageEvent(
                id: "e-\(seed)-\(i)",
                timestampMillis: 1_790_000_000_000 + Int64(i),
                employee: employee % 50 == 0 ? "émile-\(employee)" : "emp-\(employee)",
                model: ["m-a", "m-b", "claude-sonnet-4-6"][Int.random(in: 0..<3, using: &rng)],
                tool: ["", "cursor"][Int.random(in: 0..<2, using: &rng)],
                session: "s-\(employee)-\(Int.random(in: 0..<3, using: &rng))",
                counts: TokenCounts(input: UInt64(i), output: 1, cacheWrite: 2, cacheRead: UInt64(employee))
            )
        }
    }

    private func writeText(_ name: String, _ events: [UsageEvent]) throws -> String {
        let path = folder + "/" + name
        var writer = try CanonicalLogWriter(path: path)
        for event in events { try writer.write(event) }
        try writer.close()
        return path
    }

    /// Every batch the reader hands out, then `stop()`.
    private func readAll(_ readers: [any UsageLogReader]) throws -> [EventBatch] {
        let reader = LogBatchReader(readers: readers)
        var batches: [EventBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        XCTAssertEqual(reader.position, readers.reduce(Int64(0)) { $0 + $1.fileSize })
        reader.stop()
        return batches
    }

    /// The batches of `events` as one reader hands them out: 65,536 at most, never across two logs.
    private func expected(_ logs: [[UsageEvent]]) -> [EventBatch] {
        logs.flatMap { events in
            stride(from: 0, to: events.count, by: EventBatch.maxConvertedEvents).map {
                EventBatch(converting: events[$0..<min(events.count, $0 + EventBatch.maxConvertedEvents)])
            }
        }
    }

    func testTextLogsAreReadOnTwoThreadsIntoTheSameBatches() throws {
        let first = events(70_000, seed: 1)
        let second = events(5_000, seed: 2)
        let paths = [try writeText("a.jsonl", first), try writeText("b.jsonl", second)]
        let batches = try readAll(try paths.map { try CanonicalLogReader(path: $0) })
        XCTAssertEqual(batches.map(\.events.count), [65_536, 4_464, 5_000])
        XCTAssertEqual(batches, expected([first, second]))
    }

    func testABinaryLogIsReadIntoItsBlocksBatches() throws {
        let written = events(20_000, seed: 3)
        let path = folder + "/c.tblog"
        let writer = try BinaryLogWriter(path: path, eventsPerBlock: 8_192)
        for event in written { try writer.write(event) }
        try writer.close()
        let batches = try readAll([try BinaryLogReader(path: path)])
        XCTAssertEqual(batches.map(\.events.count).reduce(0, +), 20_000)
        // A binary log's batches are its blocks, tables as written: compared event by event through the tables.
        var read: [UsageEvent] = []
        for batch in batches {
            for event in batch.events {
                read.append(
                    UsageEvent(
                        id: "",
                        timestampMillis: event.timestampMillis,
                        employee: batch.employees[Int(event.employee)],
                        model: batch.models[Int(event.model)],
                        tool: batch.tools[Int(event.tool)],
                        session: batch.sessions[Int(event.session)],
                        counts: event.counts
                    )
                )
            }
        }
        XCTAssertEqual(
            read,
            written.map {
                var event = $0; event.id = ""; return event
            }
        )
        XCTAssertEqual(
            batches.flatMap { $0.events.map(\.eventKey) },
            written.map { EventKey.digest($0.id) }
        )
    }

    /// A strict reader's error reaches the consumer after the batch of the events before it, and `stop()` then
    /// returns with the readers free to read.
    func testAStrictErrorComesAfterTheEventsBeforeIt() throws {
        let good = events(10, seed: 4)
        var text = try String(contentsOfFile: try writeText("d.jsonl", good), encoding: .utf8)
        text += #"{"ts":1,"employee":"","model":"m"}"# + "\n"
        let path = folder + "/d.jsonl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = LogBatchReader(readers: [try CanonicalLogReader(path: path, strict: true)])
        XCTAssertEqual(try reader.next(), EventBatch(converting: good))
        XCTAssertThrowsError(try reader.next()) { error in
            XCTAssertEqual((error as? LogLineError)?.kind, .emptyField("employee"))
            XCTAssertEqual((error as? LogLineError)?.line, 11)
        }
        reader.stop()
    }

    /// A consumer that stops early stops both threads: `stop()` returns (the threads may be waiting on each other
    /// or on a full queue), and the readers' counts can then be read.
    func testStoppingEarlyLetsGoOfTheReaders() throws {
        let paths = try (0..<3).map { try writeText("e\($0).jsonl", events(70_000, seed: 10 + UInt64($0))) }
        let readers = try paths.map { try CanonicalLogReader(path: $0) }
        let reader = LogBatchReader(readers: readers)
        XCTAssertEqual(try reader.next()?.events.count, 65_536)
        reader.stop()
        let linesRead = readers.reduce(0) { $0 + $1.linesRead }
        XCTAssertGreaterThanOrEqual(linesRead, 65_536)
        XCTAssertLessThanOrEqual(linesRead, 3 * 70_000)
        XCTAssertEqual(readers.reduce(0) { $0 + $1.badLines }, 0)
    }
}
