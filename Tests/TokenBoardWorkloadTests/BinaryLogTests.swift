import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class BinaryLogTests: XCTestCase {
    /// Little-endian bytes of an integer, for building a log by hand.
    private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// A block header as docs/LOG-FORMAT.md lays it out, for a payload stored as is.
    private func blockHeader(payload: [UInt8], events: UInt32) -> [UInt8] {
        var header = le(UInt32(0x4B42_4254)) + le(UInt16(0)) + le(UInt16(0))
        header += le(UInt32(payload.count)) + le(UInt32(payload.count)) + le(events) + le(CRC32C.checksum(payload))
        return header + le(CRC32C.checksum(header))
    }

    func testALogBuiltByHandFromTheSpecificationIsRead() throws {
        // Tables: employees ["ann"], models ["gpt-5"], tools ["", "cursor"], sessions ["s-1"].
        var payload = le(UInt32(1)) + le(UInt32(1)) + le(UInt32(2)) + le(UInt32(1))
        for string in ["ann", "gpt-5", "", "cursor", "s-1"] {
            payload += le(UInt32(string.utf8.count)) + Array(string.utf8)
        }
        // Two records: employee, session, model, tool, id length, timestamp, input, output, cache write, cache read.
        payload += le(UInt32(0)) + le(UInt32(0)) + le(UInt16(0)) + le(UInt16(1)) + le(UInt32(2))
        payload += le(Int64(1_790_845_200_000)) + le(UInt64(10)) + le(UInt64(20)) + le(UInt64(30)) + le(UInt64(40))
        payload += le(UInt32(0)) + le(UInt32(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0))
        payload += le(Int64(-1)) + le(UInt64(1)) + le(UInt64(0)) + le(UInt64(0)) + le(UInt64(1 << 40))
        payload += Array("e1".utf8)
        let file: [UInt8] =
            [0x89, 0x54, 0x42, 0x4C, 0x4F, 0x47, 0x0D, 0x0A] + le(UInt32(1)) + le(UInt32(0))
            + blockHeader(payload: payload, events: 2) + payload
        let folder = try TemporaryFolder()
        let path = folder.file("hand.tblog")
        try Data(file).write(to: URL(fileURLWithPath: path))

        XCTAssertEqual(try LogFormat.detect(path: path), .binary)
        let reader = try LogOpener(options: .init()).open(path)
        XCTAssertEqual(
            try readAll(reader, max: 1),
            [
                UsageEvent(
                    id: "e1",
                    timestampMillis: utcMillis(2026, 10, 1, 9),
                    employee: "ann",
                    model: "gpt-5",
                    tool: "cursor",
                    session: "s-1",
                    counts: TokenCounts(input: 10, output: 20, cacheWrite: 30, cacheRead: 40)
                ),
                UsageEvent(
                    timestampMillis: -1,
                    employee: "ann",
                    model: "gpt-5",
                    session: "s-1",
                    counts: TokenCounts(input: 1, cacheRead: 1 << 40)
                ),
            ]
        )
        XCTAssertEqual(reader.linesRead, 2)
        XCTAssertEqual(reader.badLines, 0)
        XCTAssertEqual(reader.bytesRead, Int64(file.count))
    }

    /// A small generated month, written as JSONL and as binary (many small blocks), and both read back.
    private func generated(folder: TemporaryFolder, eventsPerBlock: Int) throws -> (jsonl: String, binary: String) {
        let config = WorkloadConfig(
            employees: 300,
            days: 5,
            startDay: Day(iso: "2026-10-01")!,
            totalTokens: 300_000_000,
            topTokens: 5_000_000,
            events: 5000,
            seed: 11
        )
        let jsonl = folder.file("month.jsonl")
        let binary = folder.file("month.tblog")
        var text = try CanonicalLogWriter(path: jsonl)
        let packed = try BinaryLogWriter(path: binary, eventsPerBlock: eventsPerBlock)
        _ = try WorkloadGenerator(config: config).generate(priceBook: try TestPrices.book()) { event in
            try text.write(event)
            try packed.write(event)
        }
        try text.close()
        try packed.close()
        return (jsonl, binary)
    }

    func testAGeneratedLogReadsBackFromBinaryExactlyAsFromJSONL() throws {
        let folder = try TemporaryFolder()
        let (jsonl, binary) = try generated(folder: folder, eventsPerBlock: 700)
        let fromText = try readAll(CanonicalLogReader(path: jsonl))
        let reader = try BinaryLogReader(path: binary)
        let fromBinary = try readAll(reader, max: 333)
        XCTAssertEqual(fromText.count, 5000)
        XCTAssertEqual(fromBinary, fromText)
        XCTAssertEqual(reader.bytesRead, reader.fileSize)
        XCTAssertEqual(reader.badLines, 0)
        // The fixed-width records compress: the binary log is far smaller than the JSONL.
        XCTAssertLessThan(reader.fileSize * 3, try CanonicalLogReader(path: jsonl).fileSize)
    }

    /// `nextBatch` hands out each block's events with the block's own tables: expanded, they are the events `next`
    /// reads (the ids as their `EventKey` digests), and no batch spans two blocks.
    func testBatchesOfABinaryLogHoldTheEventsNextReads() throws {
        let folder = try TemporaryFolder()
        let (jsonl, binary) = try generated(folder: folder, eventsPerBlock: 700)
        let expected = try readAll(CanonicalLogReader(path: jsonl))
        let reader = try BinaryLogReader(path: binary)
        var batch = EventBatch()
        var sizes: [Int] = []
        var events: [UsageEvent] = []
        var keys: [UInt64] = []
        while try reader.nextBatch(into: &batch, max: 500) {
            sizes.append(batch.events.count)
            XCTAssertNoThrow(try batch.validate())
            events += batch.usageEvents
            keys += batch.events.map(\.eventKey)
        }
        // 5,000 events in blocks of 700: each block in a batch of 500 and one of the rest; the last block has 100.
        XCTAssertEqual(sizes, Array(repeating: [500, 200], count: 7).flatMap { $0 } + [100])
        XCTAssertEqual(
            events,
            expected.map {
                UsageEvent(
                    id: "",
                    timestampMillis: $0.timestampMillis,
                    employee: $0.employee,
                    model: $0.model,
                    tool: $0.tool,
                    session: $0.session,
                    counts: $0.counts
                )
            }
        )
        XCTAssertEqual(keys, expected.map { EventKey.digest($0.id) })
        XCTAssertEqual(reader.linesRead, 5000)
        XCTAssertEqual(reader.bytesRead, reader.fileSize)
    }

    /// Every other format builds its batches from parsed events: the same events, each string interned once.
    func testBatchesOfAJSONLLogAreItsEventsInterned() throws {
        let folder = try TemporaryFolder()
        let (jsonl, _) = try generated(folder: folder, eventsPerBlock: 700)
        let expected = try readAll(CanonicalLogReader(path: jsonl))
        let reader = try CanonicalLogReader(path: jsonl)
        var batch = EventBatch()
        var batches: [EventBatch] = []
        while try reader.nextBatch(into: &batch, max: 2048) { batches.append(batch) }
        XCTAssertEqual(batches.map(\.events.count), [2048, 2048, 904])
        var builder = EventBatchBuilder()
        for event in expected.prefix(2048) { builder.append(event) }
        XCTAssertEqual(batches.first, builder.take())
        XCTAssertEqual(batches.flatMap(\.events).map(\.eventKey), expected.map { EventKey.digest($0.id) })
    }

    /// Where each block of a binary log starts, walking the headers' stored lengths.
    private func blockOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var at = 16
        while at + 28 <= bytes.count {
            offsets.append(at)
            let stored = bytes[(at + 8)..<(at + 12)].reversed().reduce(0) { $0 << 8 | Int($1) }
            at += 28 + stored
        }
        return offsets
    }

    func testACorruptBlockIsReportedWithItsOffsetAndTheOthersAreRead() throws {
        let folder = try TemporaryFolder()
        let (jsonl, binary) = try generated(folder: folder, eventsPerBlock: 1000)
        let all = try readAll(CanonicalLogReader(path: jsonl))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: binary)))
        let offsets = blockOffsets(bytes)
        XCTAssertEqual(offsets.count, 5)
        bytes[offsets[1] + 40] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: binary))

        let reader = try BinaryLogReader(path: binary)
        XCTAssertEqual(try readAll(reader), Array(all[0..<1000] + all[2000...]))
        XCTAssertEqual(reader.badLines, 1)
        XCTAssertEqual(reader.firstErrors.first?.byteOffset, Int64(offsets[1]))
        XCTAssertEqual(reader.firstErrors.first?.kind, .corruptBlock("payload checksum mismatch (1000 events lost)"))
        XCTAssertEqual(
            reader.firstErrors.first?.description,
            "\(binary): byte \(offsets[1]): corrupt block: payload checksum mismatch (1000 events lost)"
        )

        let strict = try BinaryLogReader(path: binary, strict: true)
        var events: [UsageEvent] = []
        XCTAssertThrowsError(try readAll(strict)) { error in
            XCTAssertEqual((error as? LogLineError)?.byteOffset, Int64(offsets[1]))
        }
        // Reading may go on after the damage, as with text logs.
        XCTAssertTrue(try strict.next(into: &events, max: 5000))
        XCTAssertEqual(events, Array(all[2000...]))
    }

    func testADamagedHeaderSkipsToTheNextSoundBlock() throws {
        let folder = try TemporaryFolder()
        let (jsonl, binary) = try generated(folder: folder, eventsPerBlock: 1000)
        let all = try readAll(CanonicalLogReader(path: jsonl))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: binary)))
        let offsets = blockOffsets(bytes)
        // The stored length of block 3 is damaged: its header checksum no longer matches.
        bytes[offsets[2] + 9] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: binary))

        let reader = try BinaryLogReader(path: binary)
        XCTAssertEqual(try readAll(reader), Array(all[0..<2000] + all[3000...]))
        XCTAssertEqual(reader.firstErrors.map(\.byteOffset), [Int64(offsets[2])])
        XCTAssertEqual(
            reader.firstErrors.first?.reason,
            "corrupt block: block header checksum mismatch; skipped \(offsets[3] - offsets[2]) bytes to the next block"
        )
    }

    func testATornTailIsReported() throws {
        let folder = try TemporaryFolder()
        let (jsonl, binary) = try generated(folder: folder, eventsPerBlock: 1000)
        let all = try readAll(CanonicalLogReader(path: jsonl))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: binary)))
        let offsets = blockOffsets(bytes)
        for (cut, detail) in [
            (offsets[4] + 100, "the file ends 72 bytes into a payload of"),
            (offsets[4] + 10, "the file ends 10 bytes into a block header"),
        ] {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: binary))
            let reader = try BinaryLogReader(path: binary)
            XCTAssertEqual(try readAll(reader), Array(all[0..<4000]))
            XCTAssertEqual(reader.firstErrors.map(\.byteOffset), [Int64(offsets[4])])
            XCTAssertTrue(
                reader.firstErrors.first?.reason.hasPrefix("torn block: \(detail)") ?? false,
                "\(reader.firstErrors)"
            )
            XCTAssertEqual(reader.bytesRead, Int64(cut))
        }
    }

    func testAFileThatIsNotABinaryLogIsRefused() throws {
        XCTAssertThrowsError(try BinaryLogReader(path: Fixtures.path("canonical.jsonl"))) { error in
            XCTAssertTrue("\(error)".contains("not a tokenboard binary log"), "\(error)")
        }
        let folder = try TemporaryFolder()
        let future = folder.file("future.tblog")
        let bytes: [UInt8] = [0x89, 0x54, 0x42, 0x4C, 0x4F, 0x47, 0x0D, 0x0A] + le(UInt32(2)) + le(UInt32(0))
        try Data(bytes).write(to: URL(fileURLWithPath: future))
        XCTAssertThrowsError(try BinaryLogReader(path: future)) { error in
            XCTAssertTrue("\(error)".contains("version 2"), "\(error)")
        }
    }

    func testCanonicalToBinaryToCanonicalKeepsEveryEventIdentical() throws {
        let folder = try TemporaryFolder()
        let source = try readAll(LogOpener(options: .init()).open(Fixtures.path("canonical.jsonl")))
        XCTAssertEqual(source.count, 4)
        // Straight to canonical, and through binary to canonical: the same bytes.
        let direct = folder.file("direct.jsonl")
        var writer = try makeLogWriter(format: .canonical, path: direct)
        for event in source { try writer.write(event) }
        try writer.close()
        let binary = folder.file("through.tblog")
        var packed = try makeLogWriter(format: .binary, path: binary)
        for event in source { try packed.write(event) }
        try packed.close()
        let back = try readAll(LogOpener(options: .init()).open(binary))
        XCTAssertEqual(back, source)
        let again = folder.file("again.jsonl")
        var rewritten = try makeLogWriter(format: .canonical, path: again)
        for event in back { try rewritten.write(event) }
        try rewritten.close()
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: again)),
            try Data(contentsOf: URL(fileURLWithPath: direct))
        )
    }
}
