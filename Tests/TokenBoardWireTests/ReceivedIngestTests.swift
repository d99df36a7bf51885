import NIOCore
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

/// The worker's decoding of ingest frames (`ReceivedIngest`) against the message's own (`IngestRequest`): the same
/// request from the same bytes, and the same error from every damaged payload.
final class ReceivedIngestTests: XCTestCase {
    private enum Outcome: Equatable {
        case decoded(producerID: UInt64, sequence: UInt64, mapVersion: UInt64, batch: IngestBatch)
        case failed(WireError)
        case refused(String)

        init(_ error: any Error) {
            self = (error as? WireError).map { .failed($0) } ?? .refused("\(type(of: error)): \(error)")
        }
    }

    private func viaRequest(_ frame: Frame) -> Outcome {
        do {
            let request = try frame.decode(IngestRequest.self)
            return .decoded(
                producerID: request.producerID,
                sequence: request.sequence,
                mapVersion: request.mapVersion,
                batch: IngestBatch(request.batch)
            )
        } catch {
            return Outcome(error)
        }
    }

    private func viaReceived(_ frame: Frame) -> Outcome {
        do {
            let request = try ReceivedIngest(frame: frame)
            return .decoded(
                producerID: request.producerID,
                sequence: request.sequence,
                mapVersion: request.mapVersion,
                batch: request.batch
            )
        } catch {
            return Outcome(error)
        }
    }

    private func ingestFrame(_ payload: [UInt8]) -> Frame {
        Frame(typeCode: MessageType.ingest.rawValue, requestID: 1, payload: ByteBuffer(bytes: payload))
    }

    func testDecodesKeysChecksumsDigestsAndBounds() throws {
        let batch = EventBatch(
            employees: ["123456789", "zoë"],
            models: ["m"],
            tools: ["t"],
            sessions: ["a", ""],
            events: [
                BatchedEvent(
                    employee: 1,
                    model: 0,
                    tool: 0,
                    session: 1,
                    timestampMillis: 1_790_726_400_000,
                    eventKey: 42,
                    counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 4)
                ),
                BatchedEvent(
                    employee: 0,
                    model: 0,
                    tool: 0,
                    session: 0,
                    timestampMillis: 1_790_726_399_999,
                    counts: TokenCounts(input: 5)
                ),
            ]
        )
        let request = try ReceivedIngest(
            frame: Frame(IngestRequest(producerID: 9, sequence: 8, mapVersion: 7, batch: batch), requestID: 1)
        )
        XCTAssertEqual([request.producerID, request.sequence, request.mapVersion], [9, 8, 7])
        XCTAssertEqual(request.batch.employees.strings, ["123456789", "zoë"])
        XCTAssertEqual(request.batch.employees.checksums[0], 0xE306_9283)
        XCTAssertEqual(request.batch.models, ["m"])
        XCTAssertEqual(request.batch.tools, ["t"])
        XCTAssertEqual(request.batch.sessionKeys, [0xAF63_DC4C_8601_EC8C, 0])
        XCTAssertEqual(request.batch.events, batch.events)
        XCTAssertEqual(request.batch.bounds.employee, 1)
        XCTAssertEqual(request.batch.bounds.session, 1)
        XCTAssertEqual(request.batch.bounds.earliestMillis, 1_790_726_399_999)
        XCTAssertEqual(request.batch.bounds.latestMillis, 1_790_726_400_000)
        XCTAssertEqual(request.batch.bounds.countBits, 7)
        XCTAssertFalse(request.batch.bounds.mayHaveImplausibleCounts)
    }

    func testTheFixturesDecodeAsTheRequestDoes() {
        for sample in [Fixtures.batch, EventBatch()] {
            let frame = Frame(IngestRequest(producerID: 1, sequence: 2, mapVersion: 3, batch: sample), requestID: 5)
            let outcome = viaReceived(frame)
            XCTAssertEqual(outcome, viaRequest(frame))
            guard case .decoded(_, _, _, let batch) = outcome else { return XCTFail("\(outcome)") }
            XCTAssertEqual(batch.employees.strings, sample.employees)
        }
    }

    /// Every prefix of the payload, and every byte of it replaced by 0x00, 0x80, 0xFF or its successor: both
    /// decoders decode the same request or throw the same error.
    func testDamagedPayloadsFailAsTheRequestFails() {
        let frame = Frame(
            IngestRequest(producerID: 0xDEAD_BEEF, sequence: 77, mapVersion: 3, batch: Fixtures.batch),
            requestID: 1
        )
        let bytes = Array(frame.payload.readableBytesView)
        var failures = 0
        for length in 0..<bytes.count {
            let damaged = ingestFrame(Array(bytes[..<length]))
            let expected = viaRequest(damaged)
            XCTAssertEqual(viaReceived(damaged), expected, "prefix of \(length) bytes")
            if case .failed(.malformedPayload) = expected { failures += 1 }
        }
        XCTAssertEqual(failures, bytes.count, "every prefix is malformed")
        for index in bytes.indices {
            for value in Set<UInt8>([0x00, 0x80, 0xFF, bytes[index] &+ 1]) {
                var changed = bytes
                changed[index] = value
                let damaged = ingestFrame(changed)
                XCTAssertEqual(viaReceived(damaged), viaRequest(damaged), "byte \(index) set to \(value)")
            }
        }
        let trailing = ingestFrame(bytes + [0])
        XCTAssertEqual(viaReceived(trailing), .failed(.malformedPayload("1 bytes left over after a ingest message")))
        XCTAssertEqual(viaReceived(trailing), viaRequest(trailing))
    }

    /// Invalid UTF-8 in the employee or the session table is refused, as it is for the request.
    func testInvalidUTF8IsRefused() {
        for table in 0..<4 {
            var tables: [[UInt8]] = [le(UInt32(0)), le(UInt32(0)), le(UInt32(0)), le(UInt32(0))]
            tables[table] = le(UInt32(1)) + le(UInt32(3)) + [0x61, 0xC3, 0x28]
            let damaged = ingestFrame([UInt8](repeating: 0, count: 24) + tables.joined() + le(UInt32(0)))
            XCTAssertEqual(viaReceived(damaged), .failed(.malformedPayload("string is not valid UTF-8")), "\(table)")
            XCTAssertEqual(viaReceived(damaged), viaRequest(damaged))
        }
    }

    /// Random payloads behind a valid header: the two decoders agree on every one.
    func testRandomPayloadsAgree() {
        var random = SplitMix64(seed: 0x1A6E_57)
        for _ in 0..<3000 {
            var payload = [UInt8](repeating: 0, count: 24)
            for _ in 0..<4 {
                let count = Int.random(in: 0...2, using: &random)
                payload += le(UInt32(count))
                for _ in 0..<count {
                    let length = Int.random(in: 0...4, using: &random)
                    payload += le(UInt32(length))
                    payload += (0..<length).map { _ in UInt8.random(in: 0x60...0xC4, using: &random) }
                }
            }
            let events = Int.random(in: 0...2, using: &random)
            payload += le(UInt32(events))
            payload += (0..<max(0, events * 60 - Int.random(in: 0...1, using: &random))).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let frame = ingestFrame(payload)
            XCTAssertEqual(viaReceived(frame), viaRequest(frame))
        }
    }

    func testOtherFrameTypesAreRefusedAsTheRequestRefusesThem() {
        let error = Frame(ErrorMessage(code: .notOwner, message: "no", mapVersion: 4), requestID: 1)
        XCTAssertEqual(viaReceived(error), viaRequest(error))
        let ack = Frame(IngestAck(applied: 1, mapVersion: 1), requestID: 1)
        XCTAssertEqual(viaReceived(ack), viaRequest(ack))
        XCTAssertEqual(viaReceived(ack), .failed(.unexpectedMessage(expected: .ingest, got: 0x11)))
        guard case .refused(let reason) = viaReceived(error) else { return XCTFail("\(viaReceived(error))") }
        XCTAssertTrue(reason.hasPrefix("ErrorMessage"), reason)
    }
}
