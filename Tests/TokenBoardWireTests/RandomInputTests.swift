import NIOCore
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

/// Deterministic random input: every decoder must either decode or throw a `WireError`; never crash, never hang.
final class RandomInputTests: XCTestCase {
    private enum Outcome: Hashable { case decoded, needMore, threw }

    private func feedDecoder(_ bytes: [UInt8]) -> Outcome {
        let decoder = FrameDecoder(limits: FrameLimits(maxPayloadBytes: 1 << 16))
        var buffer = ByteBuffer(bytes: bytes)
        var outcome = Outcome.needMore
        do {
            while let frame = try decoder.decode(buffer: &buffer) {
                outcome = .decoded
                decodeAsItsType(frame)
            }
        } catch is WireError {
            return .threw
        } catch {
            XCTFail("non-wire error \(error)")
        }
        return outcome
    }

    /// Decodes a frame as the message its type code names; any failure must be a WireError.
    private func decodeAsItsType(_ frame: Frame) {
        guard let type = frame.messageType else { return }
        var payload = frame.payload
        do {
            _ = try type.messageStruct.init(from: &payload)
        } catch is WireError {
        } catch {
            XCTFail("non-wire error \(error)")
        }
    }

    func testRandomBytesIntoTheFrameDecoder() {
        var random = SplitMix64(seed: 0x7B0A_4D)
        var outcomes: [Outcome: Int] = [:]
        for round in 0..<2000 {
            var bytes = (0..<Int.random(in: 0..<120, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            if round % 2 == 0 {
                // Half start with a valid magic and version so the later header checks are reached too.
                bytes = [0x54, 0x42, 0x4B, 0x31, 1] + bytes
            }
            outcomes[feedDecoder(bytes), default: 0] += 1
        }
        XCTAssertEqual(outcomes.values.reduce(0, +), 2000)
        XCTAssertGreaterThan(outcomes[.threw, default: 0], 1000)
    }

    func testRandomPayloadsIntoEveryMessageDecoder() {
        var random = SplitMix64(seed: 42)
        for type in MessageType.allCases {
            for _ in 0..<2000 {
                // Mostly tiny byte values, so counts, flags and lengths are often plausible and decoding goes deep.
                let bytes = (0..<Int.random(in: 0..<160, using: &random)).map { _ -> UInt8 in
                    random.next() % 4 == 0 ? UInt8.random(in: 0...255, using: &random) : UInt8(random.next() % 3)
                }
                let frame = Frame(typeCode: type.rawValue, requestID: 1, payload: ByteBuffer(bytes: bytes))
                decodeAsItsType(frame)
            }
        }
    }

    func testMutatedValidFrames() throws {
        var random = SplitMix64(seed: 2025)
        let compressible = Frame(
            IngestRequest(
                mapVersion: 1,
                batch: EventBatch(
                    employees: ["a"],
                    models: ["m"],
                    tools: ["t"],
                    sessions: ["s"],
                    events: Array(repeating: Fixtures.batch.events[0], count: 40)
                )
            ),
            requestID: 1
        )
        let frames = Fixtures.samples.map { $0.frame(7) } + [compressible]
        let encoded = try frames.map { try encodedBytes($0) }
        XCTAssertEqual(Array(encoded.last![6..<8]), [1, 0])
        var decodedCount = 0
        for round in 0..<2000 {
            var bytes = encoded[round % encoded.count]
            for _ in 0...(random.next() % 4) {
                let index = Int(random.next() % UInt64(bytes.count))
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            if random.next() % 3 == 0 {
                bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
            }
            if round % 2 == 0 && bytes.count >= 28 {
                // Fix the checksum so mutated payloads get past it and reach the LZ4 and message decoders.
                bytes.replaceSubrange(24..<28, with: le(CRC32C.checksum(bytes[28...])))
            }
            if feedDecoder(bytes) == .decoded { decodedCount += 1 }
        }
        XCTAssertGreaterThan(decodedCount, 0)
    }
}
