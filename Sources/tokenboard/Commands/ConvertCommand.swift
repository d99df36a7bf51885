import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert usage logs of any format into one binary or canonical JSONL log.",
        discussion: """
            Reads the logs in order (--format auto tells each file's format from its content) and writes their \
            events to OUT: --to binary (default) for replays at full speed, --to canonical for JSONL. Claude Code \
            responses are de-duplicated and OpenAI and Gemini cached tokens taken out of the input count on the way, so the \
            output holds exactly the events replay or import would send. The output is written to OUT.partial and \
            renamed when complete; bad lines are counted, reported with file and line, and skipped (--strict: \
            the first one stops the conversion and no output is left).

            --shards TOPOLOGY writes a sharded log instead (docs/LOG-FORMAT.md): the events laid out for the
            topology's shard map, each block one worker's batch of --batch events, encoded and compressed as the
            protocol sends it. Replaying it into a cluster with that map forwards every block as it is, the
            fastest replay there is; into any other map (or paced, or with --limit) the replay partitions its
            events again, and says so. A sharded log keeps the digests of the events' ids, not the ids: only
            replay reads it, so keep the source log for manifest, import and convert.
            """
    )

    @Argument(help: "Log files to convert, in order.")
    var logs: [String]

    @Option(name: [.customShort("o"), .long], help: "The log to write.")
    var out: String

    @Option(name: .long, help: "Output format: binary or canonical.")
    var to: String = "binary"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write a sharded log for this topology's shard map (a cluster config file).",
            valueName: "topology"
        )
    )
    var shards: String?

    @Option(name: .long, help: "With --shards: events per block, the batch size its replays send (1 to 65536).")
    var batch: Int = 32768

    @OptionGroup var input: LogInputOptions

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("name at least one log file") }
        guard to == "binary" || to == "canonical" else {
            throw ValidationError("--to must be binary or canonical; got '\(to)'")
        }
        if logs.contains(out) { throw ValidationError("the output \(out) is also an input") }
        guard (1...LogSharder.maxEventsPerBlock).contains(batch) else {
            throw ValidationError("--batch must be between 1 and \(LogSharder.maxEventsPerBlock)")
        }
        if shards != nil && to != "binary" { throw ValidationError("--shards writes a binary log; drop --to \(to)") }
    }

    func run() async throws {
        let chain = try input.chain(logs, opener: input.opener())
        if let shards {
            try await writeSharded(chain, map: try Topology.load(path: shards).initialShardMap)
            return
        }
        let format: LogFormat = to == "binary" ? .binary : .canonical
        let partial = out + ".partial"
        var writer = try makeLogWriter(format: format, path: partial)
        let clock = ContinuousClock()
        let started = clock.now
        try write(
            chain,
            chunk: 65536,
            to: partial,
            progress: { "converted \(Formatting.grouped(UInt64(chain.events))) events" },
            write: { events in for event in events { try writer.write(event) } },
            finish: { try writer.close() },
            abandon: { try? writer.close() }
        )
        let seconds = (clock.now - started).seconds
        let summary = ConvertSummary(
            output: out,
            format: format.rawValue,
            events: chain.events,
            bytesWritten: writer.bytesWritten,
            inputBytes: chain.totalBytes,
            seconds: seconds,
            linesRead: chain.linesRead,
            skippedLines: chain.skippedLines,
            badLines: chain.badLines,
            errors: chain.firstErrors.prefix(20).map(\.description)
        )
        try output.emit(summary) { summary in
            var text = line(
                "wrote \(Formatting.grouped(UInt64(summary.events))) events to \(summary.output) (\(summary.format), \(Formatting.grouped(UInt64(summary.bytesWritten))) bytes from \(Formatting.grouped(UInt64(summary.inputBytes)))) in \(String(format: "%.2f", summary.seconds)) s"
            )
            text += InputReportText.counts(
                linesRead: summary.linesRead,
                skipped: summary.skippedLines,
                bad: summary.badLines
            )
            text += InputReportText.badLines(summary.badLines, errors: summary.errors)
            return text
        }
    }
}

extension ConvertCommand {
    /// Hands the chain's events to `write` `chunk` at a time with a progress line, then `finish`es and renames
    /// `partial` to `out`; on any failure `abandon`s the writer and removes `partial`, so no half output is left.
    private func write(
        _ chain: LogChain,
        chunk: Int,
        to partial: String,
        progress describe: () -> String,
        write: ([UsageEvent]) throws -> Void,
        finish: () throws -> Void,
        abandon: () -> Void
    ) throws {
        let progress = ProgressLine(enabled: !quiet)
        let clock = ContinuousClock()
        var lastReport = clock.now
        var events: [UsageEvent] = []
        events.reserveCapacity(chunk)
        do {
            while try chain.next(into: &events, max: chunk) {
                try write(events)
                events.removeAll(keepingCapacity: true)
                let now = clock.now
                if now - lastReport >= .seconds(1) {
                    lastReport = now
                    let fraction = chain.totalBytes > 0 ? Double(chain.position) / Double(chain.totalBytes) : 1
                    progress.update("\(describe()), \(Int(fraction * 100))% of input")
                }
            }
            try finish()
        } catch {
            abandon()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        progress.finish()
        if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
        try FileManager.default.moveItem(atPath: partial, toPath: out)
    }

    /// Partitions the chain's events into a sharded log for `map`.
    private func writeSharded(_ chain: LogChain, map: ShardMap) async throws {
        let partial = out + ".partial"
        let writer = try ShardedLogWriter(path: partial, map: map)
        var sharder = LogSharder(writer: writer, eventsPerBlock: batch)
        let clock = ContinuousClock()
        let started = clock.now
        try write(
            chain,
            chunk: EventBatch.maxConvertedEvents,
            to: partial,
            progress: { "sharded \(Formatting.grouped(UInt64(sharder.events))) events" },
            write: { events in try sharder.append(EventBatch(converting: events)) },
            finish: {
                try sharder.finish()
                try writer.close()
            },
            abandon: { try? writer.close() }
        )
        let summary = ConvertSummary(
            output: out,
            format: "sharded",
            events: sharder.events,
            bytesWritten: writer.bytesWritten,
            inputBytes: chain.totalBytes,
            seconds: (clock.now - started).seconds,
            linesRead: chain.linesRead,
            skippedLines: chain.skippedLines,
            badLines: chain.badLines,
            errors: chain.firstErrors.prefix(20).map(\.description),
            workers: map.workers,
            blocks: sharder.blocks
        )
        try output.emit(summary) { summary in
            var text = line(
                "wrote \(Formatting.grouped(UInt64(summary.events))) events to \(summary.output) (sharded for \(map.workers.joined(separator: ", ")): \(Formatting.grouped(UInt64(sharder.blocks))) blocks of up to \(batch) events, \(Formatting.grouped(UInt64(summary.bytesWritten))) bytes from \(Formatting.grouped(UInt64(summary.inputBytes)))) in \(String(format: "%.2f", summary.seconds)) s"
            )
            text += InputReportText.counts(
                linesRead: summary.linesRead,
                skipped: summary.skippedLines,
                bad: summary.badLines
            )
            text += InputReportText.badLines(summary.badLines, errors: summary.errors)
            return text
        }
    }
}

struct ConvertSummary: Encodable {
    var output: String
    var format: String
    var events: Int
    var bytesWritten: Int64
    var inputBytes: Int64
    var seconds: Double
    var linesRead: Int
    var skippedLines: Int
    var badLines: Int
    var errors: [String]
    /// A sharded log's workers, in block order of their indices.
    var workers: [String]?
    var blocks: Int?

    enum CodingKeys: String, CodingKey {
        case output, format, events, seconds, errors, workers, blocks
        case bytesWritten = "bytes_written"
        case inputBytes = "input_bytes"
        case linesRead = "lines_read"
        case skippedLines = "skipped_lines"
        case badLines = "bad_lines"
    }
}
