import LZ4
import NIOCore
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

/// Prepared ingest batches: `LZ4.prefixing` puts bytes in front of a compressed block without recompressing it,
/// and `EncodedFrame.ingest` makes of a prepared batch the frame a worker decodes as an ordinary ingest request.
final class PreparedFrameTests: XCTestCase {
    private func bytes(_ count: Int, repetitive: Bool, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in repetitive ? UInt8(i % 7 + (i / 500) % 3) : UInt8.random(in: 0...255, using: &rng)
        }
    }

    /// Every prefix length around the literal-count encoding's steps (15, and 15 + 255), in front of compressible
    /// data, incompressible data (one literal run) and a block of one byte, decompresses to prefix + data.
    func testPrefixedBlocksDecompressToThePrefixAndTheData() throws {
        let inputs = [
            bytes(20_000, repetitive: true, seed: 1), bytes(3_000, repetitive: false, seed: 2), [0x41], [],
        ]
        for (n, data) in inputs.enumerated() {
            let block = LZ4.compress(data)
            XCTAssertFalse(block.isEmpty)
            for prefixLength in [0, 1, 14, 15, 16, 24, 269, 270, 271, 600] {
                let prefix = bytes(prefixLength, repetitive: false, seed: UInt64(prefixLength))
                var out = [UInt8](
                    repeating: 0,
                    count: LZ4.prefixedBlockBound(prefix: prefix.count, block: block.count)
                )
                let written = try prefix.withUnsafeBytes { p in
                    try block.withUnsafeBytes { b in
                        try out.withUnsafeMutableBytes { try LZ4.prefixing(p, toBlock: b, into: $0) }
                    }
                }
                let expanded = try LZ4.decompress(Array(out[0..<written]), originalSize: prefix.count + data.count)
                XCTAssertEqual(expanded, prefix + data, "input \(n), prefix \(prefixLength)")
            }
        }
    }

    func testATruncatedFirstLiteralRunIsRefused() {
        // Token: 15 literals and more to come, then the block ends before the count's next byte.
        let block: [UInt8] = [0xF0]
        var out = [UInt8](repeating: 0, count: 64)
        XCTAssertThrowsError(
            try [UInt8](repeating: 1, count: 4).withUnsafeBytes { p in
                try block.withUnsafeBytes { b in
                    try out.withUnsafeMutableBytes { try LZ4.prefixing(p, toBlock: b, into: $0) }
                }
            }
        )
    }

    private func batch(events: Int, seed: UInt64) -> EventBatch {
        var rng = SplitMix64(seed: seed)
        var builder = EventBatchBuilder()
        for i in 0..<events {
            let employee = Int.random(in: 0..<300, using: &rng)
            builder.append(
                UsageEvent(
                    id: "e-\(i)",
                    timestampMillis: 1_790_000_000_000 + Int64(i) * 1000,
                    employee: "emp-\(employee)",
                    model: ["claude-sonnet-4-5", "gpt-5", "gemini-2.5-pro"][Int.random(in: 0..<3, using: &rng)],
                    tool: ["claude-code", "cursor"][Int.random(in: 0..<2, using: &rng)],
                    session: "s-\(employee)-\(Int.random(in: 0..<4, using: &rng))",
                    counts: TokenCounts(
                        input: UInt64.random(in: 0..<5000, using: &rng),
                        output: UInt64(i),
                        cacheWrite: 0,
                        cacheRead: UInt64.random(in: 0..<1 << 40, using: &rng)
                    )
                )
            )
        }
        return builder.take()
    }

    private func decodeOne(_ bytes: ByteBuffer) throws -> Frame {
        var buffer = bytes
        let frame = try FrameDecoder().decode(buffer: &buffer)
        XCTAssertEqual(buffer.readableBytes, 0)
        return try XCTUnwrap(frame)
    }

    /// A batch whose checksum is known (a sharded log's block) gets its frame's checksum derived from it: the
    /// frame is byte for byte the one computed over the payload, compressed (a new LZ4 head) or not, for first
    /// literal runs short and long (a 300-event batch and ones whose block starts with 15+ literals); a wrong
    /// stored checksum gives a frame the decoder refuses.
    func testAFrameChecksumDerivedFromTheBatchChecksumIsExact() throws {
        for events in [1, 300, 5000] {
            let compressed = PreparedBatch(encoding: batch(events: events, seed: UInt64(events)))
            let raw =
                compressed.isCompressed
                ? try LZ4.decompress(Array(compressed.bytes.readableBytesView), originalSize: compressed.rawLength)
                : Array(compressed.bytes.readableBytesView)
            let uncompressed = PreparedBatch(
                events: events,
                rawLength: raw.count,
                isCompressed: false,
                bytes: ByteBuffer(bytes: raw)
            )
            for plain in [compressed, uncompressed] {
                var known = plain
                known.checksum = CRC32C.checksum(Array(plain.bytes.readableBytesView))
                let expected = try EncodedFrame.ingest(producerID: 3, sequence: 9, mapVersion: 2, batch: plain)
                let derived = try EncodedFrame.ingest(producerID: 3, sequence: 9, mapVersion: 2, batch: known)
                XCTAssertEqual(derived.bytes, expected.bytes, "\(events) events, compressed: \(plain.isCompressed)")
                XCTAssertNoThrow(try decodeOne(derived.bytes))

                var wrong = known
                wrong.checksum = known.checksum! ^ 1
                let bad = try EncodedFrame.ingest(producerID: 3, sequence: 9, mapVersion: 2, batch: wrong)
                XCTAssertThrowsError(try decodeOne(bad.bytes))
            }
        }
    }

    /// A prepared batch, compressed and stored as is, becomes a frame that decodes to the request with the
    /// producer, sequence and map version given at send time, under the request id set last; the same prepared
    /// batch sent twice carries each time's numbers.
    func testAnEncodedIngestFrameDecodesToTheRequest() throws {
        let original = batch(events: 5000, seed: 5)
        let compressed = PreparedBatch(encoding: original)
        XCTAssertTrue(compressed.isCompressed)
        XCTAssertEqual(compressed.events, 5000)
        let raw = try LZ4.decompress(Array(compressed.bytes.readableBytesView), originalSize: compressed.rawLength)
        let stored = PreparedBatch(
            events: 5000,
            rawLength: raw.count,
            isCompressed: false,
            bytes: ByteBuffer(bytes: raw)
        )
        for prepared in [compressed, stored] {
            XCTAssertEqual(try prepared.decoded(), original)
            for sequence in [UInt64(1), 2] {
                let request = IngestRequest(producerID: 0xABCD_EF01, sequence: sequence, mapVersion: 7, batch: original)
                let encoded = try EncodedFrame.ingest(
                    producerID: request.producerID,
                    sequence: sequence,
                    mapVersion: 7,
                    batch: prepared
                )
                XCTAssertEqual(encoded.events, 5000)
                var wire = encoded.header(requestID: 99 + sequence, allocator: ByteBufferAllocator())
                XCTAssertEqual(wire.readableBytes, 28)
                wire.writeImmutableBuffer(encoded.payload)
                let frame = try decodeOne(wire)
                XCTAssertEqual(frame.requestID, 99 + sequence)
                XCTAssertEqual(frame.messageType, .ingest)
                XCTAssertEqual(frame.received?.readableBytes, wire.readableBytes)
                XCTAssertEqual(try frame.decode(IngestRequest.self), request)
                // The payload is byte for byte the one the encoder lays out for the same request.
                XCTAssertEqual(frame.payload, Frame(request, requestID: 0).payload)
            }
        }
    }

    func testAPreparedBatchThatIsNotAnLZ4BlockIsRefused() {
        var garbage = ByteBuffer()
        garbage.writeBytes([0xF0])
        let prepared = PreparedBatch(events: 1, rawLength: 100, isCompressed: true, bytes: garbage)
        XCTAssertThrowsError(try EncodedFrame.ingest(producerID: 1, sequence: 1, mapVersion: 1, batch: prepared))
        XCTAssertThrowsError(try prepared.decoded())
    }

    func testAPreparedBatchWhoseEventCountDisagreesIsRefused() {
        var prepared = PreparedBatch(encoding: batch(events: 10, seed: 3))
        prepared.events = 11
        XCTAssertThrowsError(try prepared.decoded())
    }
}
