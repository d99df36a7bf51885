import NIOCore
import TokenBoardCore
import TokenBoardWire
import XCTest

/// The compact layout of ingest batches (`compactIngest`): its bytes, which batches take it, and that every reader
/// of ingest frames reads it as the same request as the wide layout.
final class CompactIngestTests: XCTestCase {
    private func event(
        employee: UInt32 = 0,
        tool: UInt16 = 0,
        at millis: Int64 = 1_790_726_400_000,
        counts: TokenCounts = TokenCounts(input: 1)
    ) -> BatchedEvent {
        BatchedEvent(employee: employee, model: 0, tool: tool, session: 0, timestampMillis: millis, counts: counts)
    }

    private func batch(
        _ events: [BatchedEvent],
        employees: Int = 1,
        tools: Int = 1,
        models: Int = 1,
        sessions: Int = 1
    ) -> EventBatch {
        EventBatch(
            employees: (0..<employees).map { "e\($0)" },
            models: (0..<models).map { "m\($0)" },
            tools: (0..<tools).map { "t\($0)" },
            sessions: (0..<sessions).map { "s\($0)" },
            events: events
        )
    }

    func testPayloadLayout() throws {
        let request = IngestRequest(
            producerID: 1,
            sequence: 2,
            mapVersion: 3,
            batch: EventBatch(
                employees: ["é"],
                models: ["m"],
                tools: [],
                sessions: ["s"],
                events: [
                    BatchedEvent(
                        employee: 0x0201,
                        model: 0x05,
                        tool: 0x07,
                        session: 0x0A09,
                        timestampMillis: 1_000_000,
                        eventKey: 0x1415_1617_1819_1A1B,
                        counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 0xFFFF_FFFF)
                    ),
                    BatchedEvent(
                        employee: 0,
                        model: 0,
                        tool: 0,
                        session: 0,
                        timestampMillis: 999_999,
                        counts: TokenCounts()
                    ),
                ]
            )
        )
        let compact = try XCTUnwrap(CompactIngestRequest(request))
        var buffer = ByteBuffer()
        compact.encode(into: &buffer)
        let expected: [UInt8] =
            le(UInt64(1)) + le(UInt64(2)) + le(UInt64(3))
            + [1, 0, 0, 0, 2, 0, 0, 0, 0xC3, 0xA9]  // employees: ["é"]
            + [1, 0, 0, 0, 1, 0, 0, 0, 0x6D]  // models: ["m"]
            + [0, 0, 0, 0]  // tools: []
            + [1, 0, 0, 0, 1, 0, 0, 0, 0x73]  // sessions: ["s"]
            + [2, 0, 0, 0]  // two events
            + le(Int64(999_999))  // the base: the earliest timestamp
            + [0x01, 0x02, 0x09, 0x0A, 0x05, 0x07] + le(UInt32(1))
            + [0x1B, 0x1A, 0x19, 0x18, 0x17, 0x16, 0x15, 0x14]
            + le(UInt32(1)) + le(UInt32(2)) + le(UInt32(3)) + le(UInt32(0xFFFF_FFFF))
            + [0, 0, 0, 0, 0, 0] + le(UInt32(0)) + [UInt8](repeating: 0, count: 8 + 16)
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
        XCTAssertEqual(expected.count, 24 + 10 + 9 + 4 + 9 + 4 + 8 + 2 * 34)
        XCTAssertEqual(try CompactIngestRequest(from: &buffer).request, request)
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testAnIngestFrameIsCompactWhenItsBatchFits() throws {
        let request = IngestRequest(producerID: 5, sequence: 6, mapVersion: 7, batch: Fixtures.compactBatch)
        let frame = Frame(ingest: request, requestID: 9)
        XCTAssertEqual(frame.messageType, .compactIngest)
        XCTAssertEqual(frame.requestID, 9)
        XCTAssertEqual(try IngestRequest(frame: frame), request)
        let wide = Frame(request, requestID: 9)
        XCTAssertEqual(frame.payload.readableBytes, wide.payload.readableBytes + 8 - 2 * (60 - 34))
    }

    /// Each limit of the layout, at it and just past it: past it, the batch goes in the wide layout, and either way
    /// the frame carries the same request.
    func testBatchesPastALimitGoWide() throws {
        let start: Int64 = 1_790_726_400_000
        let cases: [(name: String, fits: EventBatch, past: EventBatch)] = [
            (
                "count",
                batch([event(counts: TokenCounts(cacheRead: UInt64(UInt32.max)))]),
                batch([event(counts: TokenCounts(cacheRead: UInt64(UInt32.max) + 1))])
            ),
            (
                "timestamps",
                batch([event(at: start), event(at: start + Int64(UInt32.max))]),
                batch([event(at: start + Int64(UInt32.max) + 1), event(at: start)])
            ),
            ("tools", batch([event(tool: 255)], tools: 256), batch([event(tool: 255)], tools: 257)),
            ("models", batch([event()], models: 256), batch([event()], models: 257)),
            ("employees", batch([event(employee: 65_535)], employees: 65_536), batch([event()], employees: 65_537)),
            ("sessions", batch([event()], sessions: 65_536), batch([event()], sessions: 65_537)),
        ]
        for (name, fits, past) in cases {
            for (batch, type) in [(fits, MessageType.compactIngest), (past, .ingest)] {
                let request = IngestRequest(producerID: 1, sequence: 2, mapVersion: 3, batch: batch)
                let frame = Frame(ingest: request, requestID: 1)
                XCTAssertEqual(frame.messageType, type, name)
                XCTAssertEqual(try IngestRequest(frame: frame), request, name)
            }
        }
        let extremes = Frame(ingest: IngestRequest(mapVersion: 1, batch: Fixtures.batch), requestID: 1)
        XCTAssertEqual(extremes.messageType, .ingest)
    }

    /// An index past its table (a batch the worker refuses) goes wide as it is, never cut down to one that points
    /// into the table.
    func testAnIndexPastItsTableGoesWide() throws {
        let forged = [
            BatchedEvent(employee: 65_536, model: 0, tool: 0, session: 0, timestampMillis: 0, counts: TokenCounts()),
            BatchedEvent(employee: 0, model: 0, tool: 0, session: 65_537, timestampMillis: 0, counts: TokenCounts()),
            BatchedEvent(employee: 0, model: 256, tool: 0, session: 0, timestampMillis: 0, counts: TokenCounts()),
            BatchedEvent(employee: 0, model: 0, tool: 257, session: 0, timestampMillis: 0, counts: TokenCounts()),
        ]
        for event in forged {
            let request = IngestRequest(mapVersion: 1, batch: batch([event]))
            let frame = Frame(ingest: request, requestID: 1)
            XCTAssertEqual(frame.messageType, .ingest, "\(event)")
            XCTAssertEqual(try IngestRequest(frame: frame), request)
        }
    }

    /// The worker's reading of a compact frame (`ReceivedIngest`) is its reading of the same request sent wide.
    func testTheWorkerReadsCompactAsWide() throws {
        let request = IngestRequest(producerID: 5, sequence: 6, mapVersion: 7, batch: Fixtures.compactBatch)
        let compact = try ReceivedIngest(frame: Frame(ingest: request, requestID: 1))
        let wide = try ReceivedIngest(frame: Frame(request, requestID: 1))
        XCTAssertEqual([compact.producerID, compact.sequence, compact.mapVersion], [5, 6, 7])
        XCTAssertEqual(compact.batch, wide.batch)
        XCTAssertEqual(compact.batch.bounds.earliestMillis, -5)
        XCTAssertEqual(compact.batch.bounds.latestMillis, Int64(UInt32.max) - 5)
        XCTAssertEqual(compact.batch, IngestBatch(Fixtures.compactBatch))
    }

    private enum Outcome: Equatable {
        case decoded(IngestBatch)
        case failed(WireError)
    }

    private func viaRequest(_ frame: Frame) -> Outcome {
        do {
            return .decoded(IngestBatch(try frame.decode(CompactIngestRequest.self).request.batch))
        } catch {
            return .failed(error as! WireError)
        }
    }

    private func viaReceived(_ frame: Frame) -> Outcome {
        do {
            return .decoded(try ReceivedIngest(frame: frame).batch)
        } catch {
            return .failed(error as! WireError)
        }
    }

    /// Every prefix of a compact payload is refused, by the message's decoder and the worker's alike, and so are
    /// trailing bytes; every byte replaced by 0x00, 0x80, 0xFF or its successor gives both the same outcome.
    func testDamagedCompactPayloadsFailAlike() {
        let frame = Frame(
            ingest: IngestRequest(producerID: 1, sequence: 2, mapVersion: 3, batch: Fixtures.compactBatch),
            requestID: 1
        )
        let bytes = Array(frame.payload.readableBytesView)
        func compact(_ payload: [UInt8]) -> Frame {
            Frame(typeCode: MessageType.compactIngest.rawValue, requestID: 1, payload: ByteBuffer(bytes: payload))
        }
        for length in 0..<bytes.count {
            let damaged = compact(Array(bytes[..<length]))
            guard case .failed(.malformedPayload) = viaReceived(damaged) else {
                return XCTFail("prefix of \(length) bytes: \(viaReceived(damaged))")
            }
            XCTAssertEqual(viaReceived(damaged), viaRequest(damaged), "prefix of \(length) bytes")
        }
        for index in bytes.indices {
            for value in Set<UInt8>([0x00, 0x80, 0xFF, bytes[index] &+ 1]) {
                var changed = bytes
                changed[index] = value
                let damaged = compact(changed)
                XCTAssertEqual(viaReceived(damaged), viaRequest(damaged), "byte \(index) set to \(value)")
            }
        }
        XCTAssertEqual(
            viaReceived(compact(bytes + [0])),
            .failed(.malformedPayload("1 bytes left over after a compactIngest message"))
        )
        XCTAssertEqual(viaRequest(compact(bytes + [0])), viaReceived(compact(bytes + [0])))
    }

    func testAcknowledgementsOfEitherIngestAreRead() throws {
        let ack = IngestAck(applied: 3, mapVersion: 4, duplicate: true)
        XCTAssertEqual(try IngestAck(reply: Frame(ack, requestID: 1)), ack)
        XCTAssertEqual(try IngestAck(reply: Frame(CompactIngestAck(ack), requestID: 1)), ack)
        let refusal = ErrorMessage(code: .notOwner, message: "no", mapVersion: 4)
        XCTAssertThrowsError(try IngestAck(reply: Frame(refusal, requestID: 1))) { error in
            XCTAssertEqual(error as? ErrorMessage, refusal)
        }
        XCTAssertThrowsError(try IngestAck(reply: Frame(StatsQuery(), requestID: 1))) { error in
            XCTAssertEqual(error as? WireError, .unexpectedMessage(expected: .ingestAck, got: 0x28))
        }
    }
}
