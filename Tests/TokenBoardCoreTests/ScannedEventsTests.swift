import XCTest

@testable import TokenBoardCore

/// A batch built from scanned events (`EventBatchBuilder.append(contentsOf:)`) is the batch of the same events
/// appended one by one, and a batch whose model table fills up stops at the event that does not fit.
final class ScannedEventsTests: XCTestCase {
    private func event(_ i: Int, model: String) -> UsageEvent {
        UsageEvent(
            id: i % 5 == 0 ? "" : "req-\(i)",
            timestampMillis: 1_790_000_000_000 + Int64(i) * 7,
            employee: ["emp-\(i % 13)", "zoë-\(i % 3)", String(repeating: "é", count: 100)][i % 3],
            model: model,
            tool: i % 4 == 0 ? "" : "tool-\(i % 2)",
            session: i % 6 == 0 ? "" : "s-\(i % 13)-🙂",
            counts: TokenCounts(input: UInt64(i), output: UInt64(i * 2), cacheWrite: 3, cacheRead: UInt64(1 << 39))
        )
    }

    func testABatchFromScannedEventsIsTheBatchOfTheEvents() {
        let events = (0..<2_000).map { event($0, model: ["m-\($0 % 7)", "claude-opus-4-6", ""][$0 % 3]) }
        var scanned = ScannedEvents()
        // Through the names' bytes, as a parser hands them over (`EventBytesAppending.append(_:)`).
        for event in events { XCTAssertTrue(scanned.append(event)) }
        XCTAssertEqual(scanned.count, 2_000)
        XCTAssertEqual(
            scanned.byteCount,
            events.reduce(0) {
                $0 + $1.id.utf8.count + $1.employee.utf8.count + $1.model.utf8.count + $1.tool.utf8.count
                    + $1.session.utf8.count
            }
        )
        var builder = EventBatchBuilder()
        XCTAssertEqual(builder.append(contentsOf: scanned), 2_000)
        XCTAssertEqual(builder.take(), EventBatch(converting: events))
    }

    /// 65,537 distinct models: the first 65,536 fill one batch's table, and the last starts the next batch from
    /// where the first stopped.
    func testAFullModelTableStopsAtTheEventThatDoesNotFit() {
        let events = (0...65_536).map { event($0, model: "model-\($0)") }
        var scanned = ScannedEvents()
        for event in events { _ = scanned.append(event) }
        var builder = EventBatchBuilder()
        XCTAssertEqual(builder.append(contentsOf: scanned), 65_536)
        XCTAssertEqual(builder.take(), EventBatch(converting: events[0..<65_536]))
        XCTAssertEqual(builder.append(contentsOf: scanned, from: 65_536), 1)
        XCTAssertEqual(builder.take(), EventBatch(converting: events[65_536...]))
    }
}
