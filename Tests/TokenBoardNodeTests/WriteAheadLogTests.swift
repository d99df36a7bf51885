import Foundation
import NIOCore
import TokenBoardCore
import TokenBoardNode
import TokenBoardWire
import XCTest

final class WriteAheadLogTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A batch of `count` events for one employee, distinguishable by `tag`.
    private func request(_ tag: Int, events count: Int = 3) -> IngestRequest {
        var builder = EventBatchBuilder()
        for i in 0..<count {
            builder.append(
                UsageEvent(
                    timestampMillis: Day(year: 2026, month: 10, day: 1).startMillis + Int64(i),
                    employee: "emp-\(tag)",
                    model: "m",
                    counts: TokenCounts(input: UInt64(tag), output: 1)
                )
            )
        }
        return IngestRequest(mapVersion: 1, batch: builder.take())
    }

    private func replayAll() throws -> ([IngestRequest], RecoveryReport) {
        var seen: [IngestRequest] = []
        let report = try WriteAheadLog.replay(directory: directory) { seen.append($0) }
        return (seen, report)
    }

    private var logPath: String { WriteAheadLog.path(in: directory, segment: 1) }

    private func fileSize() throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? NSNumber)?.int64Value ?? -1
    }

    func testEmptyAndMissingLogsRecoverNothing() throws {
        var (seen, report) = try replayAll()
        XCTAssertEqual(seen.count, 0)
        XCTAssertEqual(report.records, 0)
        _ = try WriteAheadLog(directory: directory, policy: .always, segment: 1)
        (seen, report) = try replayAll()
        XCTAssertEqual(seen.count, 0)
        XCTAssertEqual(report.bytes, 0)
        XCTAssertEqual(report.truncatedTailBytes, 0)
    }

    func testAppendedBatchesComeBackInOrder() throws {
        let log = try WriteAheadLog(directory: directory, policy: .interval(.milliseconds(10)), segment: 1)
        // One large, compressible batch, so LZ4-compressed records are covered too.
        let batches = [request(1), request(2, events: 5000), request(3)]
        for batch in batches { try log.append(batch) }
        try log.sync()
        XCTAssertEqual(log.byteCount, try fileSize())
        let (seen, report) = try replayAll()
        XCTAssertEqual(seen, batches)
        XCTAssertEqual(report.records, 3)
        XCTAssertEqual(report.events, 5006)
        XCTAssertEqual(report.bytes, try fileSize())
    }

    /// Start-up's replay (`replayReceived`) hands over the same requests, in the worker's form, and counts the same.
    func testReplayInTheReceivedFormMatchesTheRequests() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        let batches = [
            IngestRequest(producerID: 7, sequence: 1, mapVersion: 2, batch: request(1).batch), request(2, events: 5000),
        ]
        for batch in batches { try log.append(batch) }
        var seen: [ReceivedIngest] = []
        let report = try WriteAheadLog.replayReceived(directory: directory) { seen.append($0) }
        XCTAssertEqual(seen.map(\.batch), batches.map { IngestBatch($0.batch) })
        XCTAssertEqual(seen.map(\.producerID), [7, 0])
        XCTAssertEqual(seen.map(\.sequence), [1, 0])
        XCTAssertEqual(seen.map(\.mapVersion), [2, 1])
        XCTAssertEqual(report.records, 2)
        XCTAssertEqual(report.events, 5003)
    }

    /// Records longer than replay reads ahead at a time (15 MB of hardly compressible events each, between small
    /// ones) come back whole and in order.
    func testRecordsLongerThanTheReadAheadComeBackWhole() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 24
        }
        func large(_ tag: Int) -> IngestRequest {
            var builder = EventBatchBuilder()
            for i in 0..<250_000 {
                builder.append(
                    UsageEvent(
                        timestampMillis: Day(year: 2026, month: 10, day: 1).startMillis + Int64(i),
                        employee: "emp-\(tag)",
                        model: "m",
                        counts: TokenCounts(input: noise(), output: noise(), cacheWrite: noise(), cacheRead: noise())
                    )
                )
            }
            return IngestRequest(mapVersion: 1, batch: builder.take())
        }
        let batches = [request(1), large(2), large(3), request(4), large(5)]
        for batch in batches { try log.append(batch) }
        try log.sync()
        XCTAssertGreaterThan(try fileSize(), Int64(3 * WriteAheadLog.replayReadAhead))
        let (seen, report) = try replayAll()
        XCTAssertEqual(seen, batches)
        XCTAssertEqual(report.records, 5)
        XCTAssertEqual(report.events, 750_006)
        XCTAssertEqual(report.truncatedTailBytes, 0)
    }

    func testTornLastRecordIsCutOffAndTheRestRecovered() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1))
        try log.append(request(2))
        let intact = try fileSize()
        try log.append(request(3))
        let full = try fileSize()
        // A crash in the middle of the third write: only part of it reached the file.
        XCTAssertEqual(truncate(logPath, off_t(full - 7)), 0)
        let (seen, report) = try replayAll()
        XCTAssertEqual(seen, [request(1), request(2)])
        XCTAssertEqual(report.truncatedTailBytes, full - 7 - intact)
        XCTAssertEqual(try fileSize(), intact, "the torn tail is cut so new records follow intact ones")
        // Appending after recovery continues cleanly, in the next segment as a restarted worker does.
        let reopened = try WriteAheadLog(directory: directory, policy: .never, segment: 2)
        try reopened.append(request(4))
        XCTAssertEqual(try replayAll().0, [request(1), request(2), request(4)])
    }

    func testDamagedLastRecordWithCompleteLengthIsTreatedAsTorn() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1))
        let intact = try fileSize()
        try log.append(request(2))
        let full = try fileSize()
        try flipByte(at: full - 1)
        let (seen, report) = try replayAll()
        XCTAssertEqual(seen, [request(1)])
        XCTAssertEqual(report.truncatedTailBytes, full - intact)
        XCTAssertEqual(try fileSize(), intact)
    }

    func testFlippedByteInTheMiddleStopsStartUpNamingFileAndOffset() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1))
        let second = try fileSize()
        try log.append(request(2))
        try log.append(request(3))
        let sizeBefore = try fileSize()
        try flipByte(at: second + 40)
        XCTAssertThrowsError(try replayAll()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(logPath), text)
            XCTAssertTrue(text.contains("offset \(second)"), text)
        }
        XCTAssertEqual(try fileSize(), sizeBefore, "a damaged log is never cut or skipped silently")
    }

    func testFailedAppendLeavesNoRecordAndSaysWhy() throws {
        // /dev/full accepts the open and fails every write with ENOSPC: a full disk.
        try FileManager.default.createSymbolicLink(atPath: logPath, withDestinationPath: "/dev/full")
        let log = try WriteAheadLog(directory: directory, policy: .always, segment: 1)
        XCTAssertThrowsError(try log.append(request(1))) { error in
            XCTAssertTrue("\(error)".contains("No space left on device"), "\(error)")
        }
        XCTAssertEqual(log.byteCount, 0)
    }

    func testShardRefusesABatchItCannotLogAndKeepsServing() throws {
        try FileManager.default.createSymbolicLink(atPath: logPath, withDestinationPath: "/dev/full")
        let prices = try PriceBook(json: Data(#"{"models":[]}"#.utf8))
        let map = ShardMap.initial(workers: ["w1"], slotCount: 16)
        let shard = Shard(
            workerID: "w1",
            store: ShardStore(priceBook: prices),
            map: map,
            log: try WriteAheadLog(directory: directory, policy: .always, segment: 1)
        )
        let reply = shard.handle(Frame(request(1), requestID: 1))
        XCTAssertThrowsError(try reply.decode(IngestAck.self)) { error in
            XCTAssertEqual((error as? ErrorMessage)?.code, .storageFailed)
        }
        XCTAssertEqual(shard.stats.events, 0, "nothing is applied that was not logged")
        let top = try shard.handle(Frame(TopQuery(k: 1, window: .allTime, anchor: nil, metric: .tokens), requestID: 2))
            .decode(TopReply.self)
        XCTAssertEqual(top.entries.count, 0)
    }

    func testAnIngestFrameFromTheWireIsLoggedAsItArrivedAndReplaysTheSame() throws {
        let sent = Frame(request(7, events: 3000), requestID: 42)
        var wire = ByteBuffer()
        try FrameEncoder.encode(sent, into: &wire)
        var input = wire
        let arrived = try XCTUnwrap(try FrameDecoder().decode(buffer: &input))
        // Logged byte for byte as it arrived: no second compression or checksum.
        XCTAssertEqual(try WriteAheadLog.record(of: arrived), wire)
        // A frame built in memory has no received bytes and is encoded for the log instead.
        XCTAssertNil(sent.received)
        XCTAssertEqual(try WriteAheadLog.record(of: sent), try WriteAheadLog.record(of: request(7, events: 3000)))

        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(try WriteAheadLog.record(of: arrived))
        XCTAssertEqual(try replayAll().0, [request(7, events: 3000)])
    }

    /// A compact ingest frame is logged as it arrived, keeps its type in the log and replays as the same request;
    /// one built in memory is logged under its own type too.
    func testACompactIngestFrameIsLoggedAndReplaysTheSame() throws {
        let sent = Frame(ingest: request(8, events: 3000), requestID: 42)
        XCTAssertEqual(sent.messageType, .compactIngest)
        var wire = ByteBuffer()
        try FrameEncoder.encode(sent, into: &wire)
        var input = wire
        let arrived = try XCTUnwrap(try FrameDecoder().decode(buffer: &input))
        XCTAssertEqual(try WriteAheadLog.record(of: arrived), wire)
        var built = try WriteAheadLog.record(of: sent)
        XCTAssertEqual(try FrameDecoder().decode(buffer: &built)?.messageType, .compactIngest)

        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(try WriteAheadLog.record(of: arrived))
        try log.append(try WriteAheadLog.record(of: sent))
        try log.append(request(9))
        XCTAssertEqual(try replayAll().0, [request(8, events: 3000), request(8, events: 3000), request(9)])
        var received: [IngestBatch] = []
        _ = try WriteAheadLog.replayReceived(directory: directory) { received.append($0.batch) }
        XCTAssertEqual(
            received,
            [request(8, events: 3000), request(8, events: 3000), request(9)].map { IngestBatch($0.batch) }
        )
    }

    func testRotatedSegmentsReplayInOrderAndCoveredOnesAreSkippedAndDeleted() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1))
        XCTAssertEqual(try log.rotate(), 1)
        try log.append(request(2))
        try log.append(request(3))
        XCTAssertEqual(try log.rotate(), 2)
        try log.append(request(4))
        XCTAssertEqual(WriteAheadLog.segments(in: directory), [1, 2, 3])
        XCTAssertEqual(try replayAll().0, [request(1), request(2), request(3), request(4)])
        XCTAssertEqual(log.byteCount, try totalSegmentBytes())

        // A snapshot covering segments 1 and 2 was written, but the worker died before deleting them: start-up
        // must not apply them a second time, and removes them.
        var seen: [IngestRequest] = []
        let report = try WriteAheadLog.replay(directory: directory, after: 2) { seen.append($0) }
        XCTAssertEqual(seen, [request(4)])
        XCTAssertEqual(report.segments, 1)
        XCTAssertEqual(WriteAheadLog.segments(in: directory), [3])

        log.removeSegments(through: 2)
        XCTAssertEqual(log.byteCount, try totalSegmentBytes())
    }

    func testRemovingCoveredSegmentsShrinksTheLog() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1, events: 100))
        _ = try log.rotate()
        try log.append(request(2))
        let tail = try fileSize(WriteAheadLog.path(in: directory, segment: 2))
        log.removeSegments(through: 1)
        XCTAssertEqual(WriteAheadLog.segments(in: directory), [2])
        XCTAssertEqual(log.byteCount, tail)
        XCTAssertEqual(try replayAll().0, [request(2)])
    }

    func testCutShortRecordBeforeTheLastSegmentIsDamageNotATornTail() throws {
        let log = try WriteAheadLog(directory: directory, policy: .never, segment: 1)
        try log.append(request(1))
        try log.append(request(2))
        _ = try log.rotate()
        try log.append(request(3))
        let size = try fileSize()
        XCTAssertEqual(truncate(logPath, off_t(size - 3)), 0)
        XCTAssertThrowsError(try replayAll()) { error in
            XCTAssertTrue("\(error)".contains("\(logPath) is damaged"), "\(error)")
        }
        XCTAssertEqual(try fileSize(), size - 3, "nothing is cut from a segment that is not the last")
    }

    private func fileSize(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
    }

    private func totalSegmentBytes() throws -> Int64 {
        try WriteAheadLog.segments(in: directory).reduce(0) {
            $0 + (try fileSize(WriteAheadLog.path(in: directory, segment: $1)))
        }
    }

    private func flipByte(at offset: Int64) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: logPath))
        try handle.seek(toOffset: UInt64(offset))
        let byte = try XCTUnwrap(handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(offset))
        handle.write(Data([byte[0] ^ 0x5A]))
        try handle.close()
    }
}

extension WriteAheadLog {
    /// Appends a request the way a worker does: as the record of its encoding.
    fileprivate func append(_ request: IngestRequest) throws {
        try append(WriteAheadLog.record(of: request))
    }
}
