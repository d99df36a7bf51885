import XCTest

@testable import TokenBoardCore

/// The worker's form of a batch: the same verdicts as `EventBatch.validate()`, from bounds gathered in one pass, and
/// employee keys interned from their bytes.
final class IngestBatchTests: XCTestCase {
    private let day: Int64 = 20727 * 86_400_000  // 2026-10-01T00:00:00Z

    private func validBatch() -> EventBatch {
        EventBatch(
            employees: ["alice", "bob"],
            models: ["gpt-5"],
            tools: ["claude-code"],
            sessions: ["s1"],
            events: [
                BatchedEvent(
                    employee: 0,
                    model: 0,
                    tool: 0,
                    session: 0,
                    timestampMillis: day + 5,
                    counts: TokenCounts(input: 3)
                ),
                BatchedEvent(
                    employee: 1,
                    model: 0,
                    tool: 0,
                    session: 0,
                    timestampMillis: day - 86_400_000,
                    counts: TokenCounts(output: 4)
                ),
                BatchedEvent(
                    employee: 0,
                    model: 0,
                    tool: 0,
                    session: 0,
                    timestampMillis: day + 2 * 86_400_000 + 1,
                    counts: TokenCounts(cacheRead: 9)
                ),
            ]
        )
    }

    private func verdict(_ validate: () throws(BatchError) -> Void) -> BatchError? {
        do {
            try validate()
            return nil
        } catch {
            return error
        }
    }

    /// Every fault is found from the bounds and named as the walk over every event names it: the first offending
    /// event and the reason.
    func testFaultsAreFoundFromTheBoundsAndNamed() {
        let limit = TokenCounts.maxPerEvent
        let index = "string table index out of range"
        let count = "a token count exceeds 1099511627776"
        let key = "employee keys must be 1 to 256 bytes"
        let poisons: [(String, (inout EventBatch) -> Void, BatchError?)] = [
            ("employee index", { $0.events[1].employee = 2 }, BatchError(eventIndex: 1, reason: index)),
            ("model index", { $0.events[0].model = 1 }, BatchError(eventIndex: 0, reason: index)),
            ("tool index", { $0.events[2].tool = .max }, BatchError(eventIndex: 2, reason: index)),
            ("session index", { $0.events[1].session = 1 }, BatchError(eventIndex: 1, reason: index)),
            ("no sessions", { $0.sessions = [] }, BatchError(eventIndex: 0, reason: index)),
            ("input", { $0.events[1].counts.input = limit + 1 }, BatchError(eventIndex: 1, reason: count)),
            ("output", { $0.events[2].counts.output = limit + 1 }, BatchError(eventIndex: 2, reason: count)),
            ("cache write", { $0.events[0].counts.cacheWrite = .max }, BatchError(eventIndex: 0, reason: count)),
            ("cache read", { $0.events[2].counts.cacheRead = limit + 1 }, BatchError(eventIndex: 2, reason: count)),
            // Each count within the limit, and their bitwise or above it: still plausible.
            ("or of counts", { $0.events[1].counts = TokenCounts(input: limit, output: limit - 1) }, nil),
            ("empty key", { $0.employees[1] = "" }, BatchError(eventIndex: nil, reason: key)),
            (
                "257-byte key", { $0.employees[0] = String(repeating: "x", count: 257) },
                BatchError(eventIndex: nil, reason: key)
            ),
            (
                "258-byte key", { $0.employees[1] = String(repeating: "é", count: 129) },
                BatchError(eventIndex: nil, reason: key)
            ),
            ("256-byte key", { $0.employees[1] = String(repeating: "x", count: 256) }, nil),
            (
                "two faults",
                {
                    $0.events[2].model = 3; $0.events[1].counts.input = .max
                },
                BatchError(eventIndex: 1, reason: count)
            ),
        ]
        for (name, poison, expected) in poisons {
            var batch = validBatch()
            poison(&batch)
            XCTAssertEqual(verdict { () throws(BatchError) in try IngestBatch(batch).validate() }, expected, name)
            XCTAssertEqual(verdict { () throws(BatchError) in try batch.validate() }, expected, name)
        }
        XCTAssertNil(verdict { () throws(BatchError) in try IngestBatch(validBatch()).validate() })
        XCTAssertNil(verdict { () throws(BatchError) in try IngestBatch(EventBatch()).validate() })
    }

    func testBoundsOfTheEvents() {
        let bounds = IngestBatch(validBatch()).bounds
        XCTAssertFalse(bounds.isEmpty)
        XCTAssertEqual(bounds.employee, 1)
        XCTAssertEqual(bounds.model, 0)
        XCTAssertEqual(bounds.session, 0)
        XCTAssertEqual(bounds.earliestMillis, 1_790_726_400_000)  // 2026-09-30T00:00:00Z
        XCTAssertEqual(bounds.latestMillis, 1_790_985_600_001)  // 2026-10-03T00:00:00.001Z
        XCTAssertEqual(bounds.countBits, 15)
        XCTAssertFalse(bounds.mayHaveImplausibleCounts)
        XCTAssertTrue(EventBounds().isEmpty)
        XCTAssertTrue(EventBounds().fits(employees: 0, models: 0, tools: 0, sessions: 0))
    }

    /// Session ids become their FNV-1a digests; employee keys keep their bytes and carry their CRC-32C.
    func testTablesAreKeptAsBytesChecksumsAndDigests() {
        let batch = IngestBatch(
            EventBatch(employees: ["123456789", "zoë", "a"], sessions: ["a", "", "123456789"])
        )
        XCTAssertEqual(batch.employees.count, 3)
        XCTAssertEqual(batch.employees.strings, ["123456789", "zoë", "a"])
        XCTAssertEqual(batch.employees.byteCount(at: 1), 4)
        // The standard check value of CRC-32C, and the checksum of "a".
        XCTAssertEqual(batch.employees.checksums[0], 0xE306_9283)
        XCTAssertEqual(batch.employees.checksums[2], 0xC1D0_4330)
        // FNV-1a 64 of "a" and of "123456789"; an empty id has no key.
        XCTAssertEqual(batch.sessionKeys, [0xAF63_DC4C_8601_EC8C, 0, 0x06D5_5739_23C6_CDFC])
    }

    /// A shard's ids from keys' bytes are those it gives the same keys as strings, and a known key creates no
    /// second entry.
    func testInterningFromBytesMatchesInterningStrings() {
        let keys =
            (0..<3000).map { "emp-\($0 % 1000)-é\($0 % 1000 % 7)" } + ["", "🙂", String(repeating: "k", count: 256)]
        var byString = EmployeeTable()
        var byBytes = EmployeeTable()
        let expected = keys.map { byString.intern($0) }
        // In pieces, so later pieces meet keys known from earlier ones.
        var ids: [Int32] = []
        for start in stride(from: 0, to: keys.count, by: 700) {
            ids += byBytes.intern(KeyTable(keys[start..<min(start + 700, keys.count)]))
        }
        XCTAssertEqual(ids, expected)
        XCTAssertEqual(ids[1000], ids[0])
        XCTAssertEqual(ids[3002], 1002)
        XCTAssertEqual(byBytes.names, byString.names)
        XCTAssertEqual(byBytes.count, 1003)
        XCTAssertEqual(byBytes.id(of: "emp-999-é5"), 999)
    }

    /// The days a batch spans come from its earliest and latest events, wherever they are in the batch.
    func testDaySpanIsCheckedFromTheBounds() throws {
        var store = ShardStore(priceBook: PriceBook(models: []))
        var batch = validBatch()
        batch.events[1].timestampMillis = day - Int64(DayColumns.maxSpan) * 86_400_000
        XCTAssertThrowsError(try store.check(IngestBatch(batch))) { error in
            XCTAssertTrue("\(error)".contains("a shard keeps at most"), "\(error)")
        }
        XCTAssertEqual(try store.apply(validBatch()), 3)
        XCTAssertEqual(store.stats.events, 3)
        XCTAssertEqual(store.employeeCount, 2)
    }

    func testFutureLimitLooksAtTheEventsOnlyWhenTheBoundsSayOneIsLate() {
        let limit = FutureLimit(days: 1)
        let now = day + 2 * 86_400_000
        XCTAssertNoThrow(try limit.check(IngestBatch(validBatch()), nowMillis: now))
        do {
            try limit.check(IngestBatch(validBatch()), nowMillis: day)
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.eventIndex, 2)
        }
    }
}
