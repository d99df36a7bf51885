import TokenBoardCore
import XCTest

final class EventBatchTests: XCTestCase {
    private let day: Int64 = 20727 * 86_400_000  // 2026-10-01T00:00:00Z

    private func event(
        _ employee: String,
        _ model: String,
        tool: String = "claude-code",
        session: String = "s1",
        at millis: Int64 = 0,
        _ counts: TokenCounts = TokenCounts(input: 1)
    ) -> UsageEvent {
        UsageEvent(
            timestampMillis: day + millis,
            employee: employee,
            model: model,
            tool: tool,
            session: session,
            counts: counts
        )
    }

    // MARK: - Builder

    func testBuilderInternsEachStringOnce() throws {
        let events = [
            event("alice", "gpt-5", tool: "cursor", session: "s1", at: 1, TokenCounts(input: 1, output: 2)),
            event("bob", "claude-opus-4-5", tool: "claude-code", session: "s2", at: 2, TokenCounts(cacheRead: 3)),
            event("alice", "gpt-5", tool: "claude-code", session: "s1", at: 3, TokenCounts(cacheWrite: 4)),
            event("carol", "claude-opus-4-5", tool: "cursor", session: "s3", at: 4, TokenCounts(output: 5)),
        ]
        var builder = EventBatchBuilder()
        for (i, e) in events.enumerated() {
            var keyed = e
            keyed.id = "request-\(i)"
            XCTAssertTrue(builder.append(keyed))
        }
        XCTAssertEqual(builder.count, 4)
        let batch = builder.batch
        XCTAssertEqual(batch.employees, ["alice", "bob", "carol"])
        XCTAssertEqual(batch.models, ["gpt-5", "claude-opus-4-5"])
        XCTAssertEqual(batch.tools, ["cursor", "claude-code"])
        XCTAssertEqual(batch.sessions, ["s1", "s2", "s3"])
        XCTAssertEqual(batch.events.map(\.employee), [0, 1, 0, 2])
        XCTAssertEqual(batch.events.map(\.model), [0, 1, 0, 1])
        XCTAssertEqual(batch.events.map(\.tool), [0, 1, 1, 0])
        XCTAssertEqual(batch.events.map(\.session), [0, 1, 0, 2])
        XCTAssertEqual(batch.events.map(\.eventKey), (0..<4).map { EventKey.digest("request-\($0)") })
        XCTAssertEqual(batch.events.map(\.timestampMillis), events.map(\.timestampMillis))
        XCTAssertEqual(batch.usageEvents, events, "ids travel as their digests only")
        XCTAssertNoThrow(try batch.validate())

        let taken = builder.take()
        XCTAssertEqual(taken, batch)
        XCTAssertEqual(builder.count, 0)
        XCTAssertTrue(builder.batch.isEmpty)
        XCTAssertTrue(builder.append(event("dave", "gpt-4o")))
        XCTAssertEqual(builder.batch.employees, ["dave"])
        XCTAssertEqual(builder.batch.events.map(\.employee), [0])
        XCTAssertEqual(builder.batch.events.map(\.model), [0])
    }

    /// A batch can address 65,536 distinct tools; the builder must refuse the next one without touching the batch.
    func testBuilderRefusesAFullTableAndAppendsNothing() {
        var builder = EventBatchBuilder()
        for i in 0..<65_536 { XCTAssertTrue(builder.append(event("e", "m", tool: "t\(i)"))) }
        let full = builder.batch
        XCTAssertEqual(full.tools.count, 65_536)
        XCTAssertFalse(builder.append(event("new-employee", "new-model", tool: "one-tool-too-many")))
        // Compared as Bool: a failure message printing 65,536 events would drown the log.
        XCTAssertEqual(builder.batch.models, ["m"], "a refused event must leave every table as it was")
        XCTAssertEqual(builder.batch.employees, ["e"])
        XCTAssertEqual(builder.batch.tools.count, 65_536)
        XCTAssertTrue(builder.batch == full)
        XCTAssertTrue(builder.append(event("e", "m", tool: "t7")), "known strings still fit")
        XCTAssertNoThrow(try builder.batch.validate())
    }

    /// The builder interns every name from its bytes (`append(_:)` hands the strings' bytes to the bytes API): the
    /// batch is the one built here by hand, names in order of first use and ids as their digests.
    func testBytesAppendBuildsTheBatchOfTheEvents() {
        let models = ["gpt-5", "claude-sonnet-4-6-with-a-long-name", "", "gpt-5"]
        let tools = ["", "cursor", "claude-code-long-tool-name", "cursor"]
        var events: [UsageEvent] = []
        for i in 0..<40 {
            var e = event(
                "emp-\(i % 7)",
                models[i % 4].isEmpty ? "m-\(i % 3)" : models[i % 4],
                tool: tools[i % 3],
                session: i % 5 == 0 ? "" : "s-\(i % 6)",
                at: Int64(i),
                TokenCounts(input: UInt64(i), output: 2, cacheWrite: 3, cacheRead: UInt64(i * 11))
            )
            e.id = i % 4 == 0 ? "" : "id-\(i)"
            events.append(e)
        }
        var tables: [[String]] = [[], [], [], []]
        func index(_ name: String, in table: Int) -> UInt32 {
            if let found = tables[table].firstIndex(of: name) { return UInt32(found) }
            tables[table].append(name)
            return UInt32(tables[table].count - 1)
        }
        var expectedEvents: [BatchedEvent] = []
        for e in events {
            expectedEvents.append(
                BatchedEvent(
                    employee: index(e.employee, in: 0),
                    model: UInt16(index(e.model, in: 1)),
                    tool: UInt16(index(e.tool, in: 2)),
                    session: index(e.session, in: 3),
                    timestampMillis: e.timestampMillis,
                    eventKey: EventKey.digest(e.id),
                    counts: e.counts
                )
            )
        }
        let expected = EventBatch(
            employees: tables[0],
            models: tables[1],
            tools: tables[2],
            sessions: tables[3],
            events: expectedEvents
        )
        var builder = EventBatchBuilder()
        for (i, e) in events.enumerated() {
            XCTAssertTrue(builder.append(e), "event \(i)")
        }
        XCTAssertEqual(builder.batch, expected)
        XCTAssertEqual(builder.batch.models, ["gpt-5", "claude-sonnet-4-6-with-a-long-name", "m-2", "m-0", "m-1"])
        XCTAssertEqual(builder.batch.tools, ["", "cursor", "claude-code-long-tool-name"])
        XCTAssertEqual(
            builder.batch.events.map(\.eventKey)[0...2],
            [0, EventKey.digest("id-1"), EventKey.digest("id-2")]
        )
    }

    /// The bytes API refuses a new model or tool once its table is full, leaving every table as it was.
    func testBytesAppendRefusesAFullTable() {
        var builder = EventBatchBuilder()
        for i in 0..<65_536 { XCTAssertTrue(builder.append(event("e", "m-\(i)"))) }
        let full = builder.batch
        XCTAssertEqual(full.models.count, 65_536)
        XCTAssertFalse(builder.append(event("new-employee", "one-model-too-many", tool: "new-tool")))
        XCTAssertTrue(builder.batch == full, "a refused event must leave every table as it was")
        XCTAssertEqual(builder.batch.tools, ["claude-code"])
        XCTAssertTrue(builder.append(event("e", "m-65535", tool: "claude-code")), "known names still fit")
        XCTAssertEqual(builder.batch.events.last?.model, 65_535)
    }

    // MARK: - Validation

    private func validBatch() -> EventBatch {
        EventBatch(
            employees: ["alice", "bob"],
            models: ["gpt-5"],
            tools: ["cursor"],
            sessions: ["s"],
            events: [
                BatchedEvent(employee: 0, model: 0, tool: 0, session: 0, timestampMillis: day, counts: .init(input: 1)),
                BatchedEvent(employee: 1, model: 0, tool: 0, session: 0, timestampMillis: day, counts: .init(input: 2)),
            ]
        )
    }

    private func assertRefused(
        _ batch: EventBatch,
        at index: Int?,
        _ reason: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        do {
            try batch.validate()
            XCTFail("accepted", file: file, line: line)
        } catch {
            XCTAssertEqual(error.eventIndex, index, file: file, line: line)
            XCTAssertTrue(error.reason.contains(reason), error.description, file: file, line: line)
        }
    }

    func testOutOfRangeIndicesAreRejected() {
        var batch = validBatch()
        batch.events[1].employee = 2
        assertRefused(batch, at: 1, "index out of range")
        batch = validBatch()
        batch.events[0].model = 1
        assertRefused(batch, at: 0, "index out of range")
        batch = validBatch()
        batch.events[1].tool = .max
        assertRefused(batch, at: 1, "index out of range")
        batch = validBatch()
        batch.events[0].session = 1
        assertRefused(batch, at: 0, "index out of range")
        batch = validBatch()
        batch.sessions = []
        assertRefused(batch, at: 0, "index out of range")
    }

    func testOversizeCountsAreRejected() {
        let limit = TokenCounts.maxPerEvent
        XCTAssertEqual(limit, 1_099_511_627_776)
        var batch = validBatch()
        batch.events[1].counts = TokenCounts(input: limit, output: limit, cacheWrite: limit, cacheRead: limit)
        XCTAssertNoThrow(try batch.validate(), "the limit itself is allowed")
        for field in 0..<4 {
            batch = validBatch()
            var counts = TokenCounts()
            switch field {
            case 0: counts.input = limit + 1
            case 1: counts.output = limit + 1
            case 2: counts.cacheWrite = limit + 1
            default: counts.cacheRead = .max
            }
            batch.events[1].counts = counts
            assertRefused(batch, at: 1, "exceeds")
        }
    }

    func testEmployeeKeysMustBeOneTo256Bytes() {
        var batch = validBatch()
        batch.employees[1] = ""
        assertRefused(batch, at: nil, "employee keys")
        batch.employees[1] = String(repeating: "é", count: 129)  // 258 bytes
        assertRefused(batch, at: nil, "employee keys")
        batch.employees[1] = String(repeating: "x", count: 256)
        XCTAssertNoThrow(try batch.validate())
    }

    func testEmptyBatchIsValid() {
        XCTAssertNoThrow(try EventBatch().validate())
        XCTAssertTrue(EventBatch().isEmpty)
    }

    // MARK: - All or nothing

    func testShardStoreAppliesAnInvalidBatchNotAtAll() throws {
        let prices = try PriceBook(contentsOf: shippedPriceBookPath())
        var store = ShardStore(priceBook: prices)
        var builder = EventBatchBuilder()
        builder.append(event("alice", "gpt-5", TokenCounts(input: 10, output: 5)))
        builder.append(event("bob", "acme-experimental-7b", at: -86_400_000, TokenCounts(cacheRead: 7)))
        try store.apply(builder.take())
        let before = StoreSnapshot(store, names: ["alice", "bob", "mallory"])

        // Each bad batch starts with good events for new employees, models, tools and days, so any partial
        // application would show.
        func poisoned(_ poison: (inout EventBatch) -> Void) -> EventBatch {
            var builder = EventBatchBuilder()
            builder.append(event("mallory", "claude-opus-4-5", tool: "evil", at: 5 * 86_400_000, .init(output: 99)))
            builder.append(event("alice", "gemini-2.5-pro", at: 1, TokenCounts(input: 1_000)))
            builder.append(event("alice", "gpt-5", at: 2, TokenCounts(input: 1)))
            var batch = builder.take()
            poison(&batch)
            return batch
        }
        let bad: [EventBatch] = [
            poisoned { $0.events[2].employee = 9 },
            poisoned { $0.events[2].model = 9 },
            poisoned { $0.events[2].tool = 9 },
            poisoned { $0.events[2].session = 9 },
            poisoned { $0.events[2].counts.cacheRead = TokenCounts.maxPerEvent + 1 },
            poisoned { $0.employees[1] = "" },
        ]
        for batch in bad {
            XCTAssertThrowsError(try store.apply(batch))
            XCTAssertEqual(StoreSnapshot(store, names: ["alice", "bob", "mallory"]), before)
        }
        XCTAssertEqual(store.stats.batches, 1)
        XCTAssertEqual(store.stats.events, 2)
        XCTAssertNil(store.employee("mallory", window: .allTime, anchor: Day(number: 20727)))
    }
}

/// Everything a shard store answers, for comparing states before and after.
struct StoreSnapshot: Equatable {
    var stats: ShardStats
    var tops: [ShardTop]
    var models: [[LabeledUsage]]
    var employees: [EmployeeUsage?]

    init(_ store: ShardStore, names: [String]) {
        stats = store.stats
        tops = []
        models = []
        employees = []
        let anchors = [store.newestDay ?? Day(number: 0), Day(number: 20727), Day(number: 20732)]
        for anchor in anchors {
            for window in [Window.days(1), .days(7), .days(30), .allTime] {
                for metric in RankingMetric.allCases {
                    tops.append(store.top(k: 1000, window: window, anchor: anchor, by: metric))
                }
                models.append(store.modelTotals(window: window, anchor: anchor))
                for name in names { employees.append(store.employee(name, window: window, anchor: anchor)) }
            }
        }
    }
}
