import Foundation
import NIOCore
import TokenBoardCore
import TokenBoardNode
import TokenBoardWire
import XCTest

/// The worker's request handling, without sockets.
final class ShardTests: XCTestCase {
    private let prices = try! PriceBook(
        json: Data(
            #"{"models":[{"models":["m"],"provider":"p","input":1,"output":2,"cache_write":3,"cache_read":0.5}]}"#.utf8
        )
    )
    private let map = ShardMap.initial(workers: ["w1", "w2"], slotCount: 64)

    private func employees(ownedBy worker: String, count: Int) -> [String] {
        var found: [String] = []
        var i = 0
        while found.count < count {
            let key = "user-\(i)"
            if map.owner(of: key) == worker { found.append(key) }
            i += 1
        }
        return found
    }

    private func batch(_ keys: [String]) -> EventBatch {
        var builder = EventBatchBuilder()
        for (i, key) in keys.enumerated() {
            builder.append(
                UsageEvent(
                    timestampMillis: Day(year: 2026, month: 10, day: 5).startMillis + Int64(i),
                    employee: key,
                    model: "m",
                    counts: TokenCounts(input: 10, output: 20, cacheWrite: 0, cacheRead: 100)
                )
            )
        }
        return builder.take()
    }

    /// A batch sent compact is applied as the same batch sent wide, and acknowledged under the compact reply type.
    func testCompactIngestIsAppliedAsWideAndAcknowledgedCompact() throws {
        let keys = employees(ownedBy: "w1", count: 3)
        let request = IngestRequest(producerID: 4, sequence: 1, mapVersion: 1, batch: batch(keys + [keys[0]]))
        let compact = Frame(ingest: request, requestID: 7)
        XCTAssertEqual(compact.messageType, .compactIngest)
        var replies: [Frame] = []
        for frame in [compact, Frame(request, requestID: 7)] {
            let shard = Shard(workerID: "w1", priceBook: prices, map: map)
            replies.append(shard.handle(frame))
            let top = try shard.handle(
                Frame(TopQuery(k: 3, window: .allTime, anchor: nil, metric: .cost), requestID: 8)
            )
            .decode(TopReply.self)
            XCTAssertEqual(top.entries.map(\.tokens), [260, 130, 130])
            XCTAssertEqual(top.entries.map(\.cost), [200_000, 100_000, 100_000])
            XCTAssertEqual(shard.stats.events, 4)
        }
        XCTAssertEqual(replies[0].messageType, .compactIngestAck)
        XCTAssertEqual(replies[0].requestID, 7)
        XCTAssertEqual(try replies[0].decode(CompactIngestAck.self).ack, IngestAck(applied: 4, mapVersion: 1))
        XCTAssertEqual(replies[1].messageType, .ingestAck)
    }

    func testIngestOfOwnedEmployeesIsAcknowledgedAndRanked() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        let keys = employees(ownedBy: "w1", count: 3)
        let reply = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: batch(keys + [keys[0]])), requestID: 7))
        XCTAssertEqual(reply.requestID, 7)
        XCTAssertEqual(try reply.decode(IngestAck.self), IngestAck(applied: 4, mapVersion: 1))

        let top = try shard.handle(
            Frame(TopQuery(k: 2, window: .days(30), anchor: nil, metric: .tokens), requestID: 8)
        ).decode(TopReply.self)
        XCTAssertEqual(
            top.entries.map(\.employee),
            [keys[0], [keys[1], keys[2]].min { $0.utf8.lexicographicallyPrecedes($1.utf8) }!]
        )
        XCTAssertEqual(top.entries[0].tokens, 260)
        // 2 × (10 × 1000 + 20 × 2000 + 100 × 500) nano-dollars
        XCTAssertEqual(top.entries[0].cost, 200_000)
        XCTAssertEqual(top.totals.activeEmployees, 3)
        XCTAssertEqual(top.coverage, Coverage(mapVersion: 1, shardsTotal: 1, answered: ["w1"], missing: []))
        XCTAssertEqual(top.anchor, Day(year: 2026, month: 10, day: 5))
    }

    func testBatchWithAForeignEmployeeIsRefusedWholeWithTheMapVersion() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        let mine = employees(ownedBy: "w1", count: 2)
        let theirs = employees(ownedBy: "w2", count: 1)
        let reply = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: batch(mine + theirs)), requestID: 3))
        XCTAssertThrowsError(try reply.decode(IngestAck.self)) { error in
            let message = error as? ErrorMessage
            XCTAssertEqual(message?.code, .notOwner)
            XCTAssertEqual(message?.mapVersion, 1)
            XCTAssertTrue(message?.message.contains(theirs[0]) ?? false, "\(String(describing: message))")
        }
        XCTAssertEqual(shard.stats.events, 0)
        XCTAssertEqual(shard.stats.employees, 0)
    }

    func testInvalidBatchIsRefusedAndChangesNothing() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        var bad = batch(employees(ownedBy: "w1", count: 2))
        bad.events[1].counts.cacheRead = TokenCounts.maxPerEvent + 1
        let reply = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: bad), requestID: 4))
        XCTAssertThrowsError(try reply.decode(IngestAck.self)) { error in
            XCTAssertEqual((error as? ErrorMessage)?.code, .batchRejected)
        }
        XCTAssertEqual(
            shard.stats,
            ShardStats(employees: 0, events: 0, batches: 0, cells: 0, newestDay: nil, oldestDay: nil)
        )
    }

    func testEventsDatedPastTheFutureLimitAreRefusedWhole() throws {
        let noon = Day(year: 2026, month: 10, day: 5).startMillis + 12 * 3_600_000
        let hour: Int64 = 3_600_000
        let keys = employees(ownedBy: "w1", count: 3)
        func dated(_ offsets: [Int64]) -> EventBatch {
            var events = batch(Array(keys.prefix(offsets.count)))
            for (i, offset) in offsets.enumerated() { events.events[i].timestampMillis = noon + offset }
            return events
        }
        func ingest(_ shard: Shard, _ batch: EventBatch) throws -> IngestAck {
            try shard.handle(Frame(IngestRequest(mapVersion: 1, batch: batch), requestID: 1)).decode(IngestAck.self)
        }
        let shard = Shard(
            workerID: "w1",
            store: ShardStore(priceBook: prices),
            map: map,
            log: nil,
            futureLimit: FutureLimit(days: 1),
            clock: { noon }
        )
        // 24 hours ahead is within a day's tolerance; one millisecond more is not, and refuses the whole batch.
        XCTAssertEqual(try ingest(shard, dated([-hour, 24 * hour])).applied, 2)
        XCTAssertThrowsError(try ingest(shard, dated([0, 24 * hour + 1, hour]))) { error in
            let message = error as? ErrorMessage
            XCTAssertEqual(message?.code, .batchRejected)
            XCTAssertEqual(
                message?.message,
                "batch refused whole: event 1: the event is dated 2026-10-06, more than 1 day after this worker's clock (2026-10-05); fix the sender's clock, or start the worker with a larger --max-future-days"
            )
        }
        XCTAssertEqual(shard.stats.events, 2)
        XCTAssertEqual(shard.stats.newestDay, Day(year: 2026, month: 10, day: 6))

        // No tolerance: the clock's own millisecond is accepted, the next one is not.
        let strict = Shard(
            workerID: "w1",
            store: ShardStore(priceBook: prices),
            map: map,
            log: nil,
            futureLimit: FutureLimit(days: 0),
            clock: { noon }
        )
        XCTAssertEqual(try ingest(strict, dated([0])).applied, 1)
        XCTAssertThrowsError(try ingest(strict, dated([1])))
        // Without a limit any date is taken.
        let open = Shard(
            workerID: "w1",
            store: ShardStore(priceBook: prices),
            map: map,
            log: nil,
            futureLimit: nil,
            clock: { noon }
        )
        XCTAssertEqual(try ingest(open, dated([400 * 24 * hour])).applied, 1)
    }

    func testMalformedPayloadAndUnknownTypeGetErrorsAndTheShardKeepsServing() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        var garbage = ByteBufferAllocator().buffer(capacity: 8)
        garbage.writeBytes([0xFF, 0x00, 0x13])
        let malformed = shard.handle(Frame(typeCode: MessageType.ingest.rawValue, requestID: 5, payload: garbage))
        XCTAssertEqual(malformed.messageType, .error)
        XCTAssertEqual(try malformed.decode(ErrorMessage.self).code, .malformedPayload)

        let unknown = shard.handle(Frame(typeCode: 0xEE, requestID: 6, payload: ByteBuffer()))
        XCTAssertEqual(unknown.requestID, 6)
        XCTAssertEqual(try unknown.decode(ErrorMessage.self).code, .unsupportedMessage)

        let ack = try shard.handle(
            Frame(IngestRequest(mapVersion: 1, batch: batch(employees(ownedBy: "w1", count: 1))), requestID: 9)
        ).decode(IngestAck.self)
        XCTAssertEqual(ack.applied, 1)
        XCTAssertEqual(shard.stats.events, 1)
    }

    /// The spill file's pages are unmapped after a batch, an answer computed from the store or nothing at all:
    /// once per use, never after an answer from the cache, and the answers stay exact across it.
    func testSpilledPagesAreUnmappedAfterEachUseOfTheStore() throws {
        let directory = NSTemporaryDirectory() + "shard-spill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = ShardStore(priceBook: prices, spillFile: try SpillFile(directory: directory))
        let shard = Shard(workerID: "w1", store: store, map: map, log: nil, futureLimit: nil)
        XCTAssertTrue(shard.unmapSpilledPages(), "recovery may have mapped pages")
        XCTAssertFalse(shard.unmapSpilledPages(), "nothing used the store since")

        // Ten days of the same two employees: every day column but the newest moves to the file.
        let keys = employees(ownedBy: "w1", count: 2)
        for day in 0..<10 {
            var builder = EventBatchBuilder()
            for key in keys {
                builder.append(
                    UsageEvent(
                        timestampMillis: Day(year: 2026, month: 10, day: 1 + day).startMillis,
                        employee: key,
                        model: "m",
                        counts: TokenCounts(input: 10, output: 20, cacheWrite: 0, cacheRead: 100)
                    )
                )
            }
            _ = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: builder.take()), requestID: UInt64(day)))
        }
        XCTAssertGreaterThan(shard.movePastDays(), 0)
        XCTAssertTrue(shard.unmapSpilledPages(), "batches wrote to the store")
        XCTAssertFalse(shard.unmapSpilledPages(), "once per use")

        // A window ending on day 5 reads moved columns.
        let query = TopQuery(k: 5, window: .days(3), anchor: Day(year: 2026, month: 10, day: 5), metric: .tokens)
        let first = try shard.handle(Frame(query, requestID: 20)).decode(TopReply.self)
        XCTAssertTrue(shard.unmapSpilledPages())
        let cached = try shard.handle(Frame(query, requestID: 21)).decode(TopReply.self)
        XCTAssertFalse(shard.unmapSpilledPages(), "an answer from the cache does not touch the store")
        XCTAssertEqual(cached, first)
        // Three days of one 130-token event each, read back from pages unmapped in between.
        XCTAssertEqual(first.entries.map(\.tokens), [390, 390])
        let again = try shard.handle(
            Frame(TopQuery(k: 4, window: .days(3), anchor: query.anchor, metric: .tokens), requestID: 22)
        )
        .decode(TopReply.self)
        XCTAssertEqual(again.entries.map(\.tokens), [390, 390])

        let plain = Shard(workerID: "w1", priceBook: prices, map: map)
        _ = plain.handle(Frame(query, requestID: 1))
        XCTAssertFalse(plain.unmapSpilledPages(), "a shard without a spill file has nothing to unmap")
    }

    func testCachedTopAnswerIsDroppedByTheNextBatch() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        let keys = employees(ownedBy: "w1", count: 2)
        _ = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: batch([keys[0]])), requestID: 1))
        let query = TopQuery(k: 5, window: .allTime, anchor: nil, metric: .tokens)
        XCTAssertEqual(try shard.handle(Frame(query, requestID: 2)).decode(TopReply.self).entries.count, 1)
        _ = shard.handle(Frame(IngestRequest(mapVersion: 1, batch: batch([keys[1], keys[1]])), requestID: 3))
        let after = try shard.handle(Frame(query, requestID: 4)).decode(TopReply.self)
        XCTAssertEqual(after.entries.map(\.employee), [keys[1], keys[0]])
        XCTAssertEqual(after.entries.map(\.tokens), [260, 130])
    }
}

/// Numbered batches: applied once, in order.
final class ShardSequenceTests: XCTestCase {
    private let prices = try! PriceBook(json: Data(#"{"models":[]}"#.utf8))
    private let map = ShardMap.initial(workers: ["w1"], slotCount: 16)

    private func request(producer: UInt64, sequence: UInt64, employee: String = "a") -> IngestRequest {
        var builder = EventBatchBuilder()
        builder.append(UsageEvent(timestampMillis: 0, employee: employee, model: "m", counts: TokenCounts(input: 7)))
        return IngestRequest(producerID: producer, sequence: sequence, mapVersion: 1, batch: builder.take())
    }

    private func send(_ shard: Shard, _ request: IngestRequest) -> Result<IngestAck, ErrorMessage> {
        do {
            return .success(try shard.handle(Frame(request, requestID: 1)).decode(IngestAck.self))
        } catch let error as ErrorMessage {
            return .failure(error)
        } catch {
            return .failure(ErrorMessage(code: .internalError, message: "\(error)"))
        }
    }

    func testResentBatchesAreAcknowledgedAsDuplicatesAndGapsAreRefused() throws {
        let shard = Shard(workerID: "w1", priceBook: prices, map: map)
        XCTAssertEqual(try send(shard, request(producer: 9, sequence: 1)).get(), IngestAck(applied: 1, mapVersion: 1))
        XCTAssertEqual(try send(shard, request(producer: 9, sequence: 2)).get(), IngestAck(applied: 1, mapVersion: 1))
        XCTAssertEqual(
            try send(shard, request(producer: 9, sequence: 1)).get(),
            IngestAck(applied: 1, mapVersion: 1, duplicate: true)
        )
        guard case .failure(let gap) = send(shard, request(producer: 9, sequence: 4)) else {
            return XCTFail("a gap must be refused")
        }
        XCTAssertEqual(gap.code, .sequenceGap)
        XCTAssertTrue(gap.message.contains("expected is 3"), gap.message)
        // Another producer has its own numbering; producer 0 is unnumbered and always applied.
        XCTAssertEqual(try send(shard, request(producer: 5, sequence: 1)).get().duplicate, false)
        XCTAssertEqual(try send(shard, request(producer: 0, sequence: 0)).get().duplicate, false)
        XCTAssertEqual(try send(shard, request(producer: 0, sequence: 0)).get().duplicate, false)
        XCTAssertEqual(shard.stats.events, 5, "2 from producer 9, 1 from producer 5, 2 unnumbered")
    }
}
