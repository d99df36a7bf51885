import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Ingest real usage logs (Claude Code, OpenAI, Gemini, canonical, binary) into the cluster, once.",
        discussion: """
            Reads the logs like replay (--format auto tells each file's format from its content) and sends their \
            events to the owning workers. Claude Code, OpenAI and Gemini logs need an employee: --employee NAME for \
            all of them, or an --employee-map (docs/LOG-FORMAT.md); a log that maps to nobody stops the import before \
            anything is sent, naming the file.

            Idempotent: the batches are numbered under a producer id derived from the logs' bytes, their formats \
            and employees, these options, the batch size and the cluster's shard map. Importing the same files the \
            same way again sends the same numbered batches, which the workers acknowledge as duplicates, so the \
            counters do not change; an interrupted import can simply be run again. A different set of files (one \
            more, one fewer, one changed) is a different import: events in both are counted again.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: "Log files to import, in order.")
    var logs: [String]

    @OptionGroup var input: LogInputOptions

    @Option(name: .long, help: "Events per batch (part of the import's identity).")
    var batch: Int = 8192

    @Option(name: .long, help: "Batches in flight per worker.")
    var inflight: Int = 8

    @Option(name: .customLong("retry-for"), help: "Seconds to keep reconnecting to a worker that went away.")
    var retryFor: Double = 60

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("name at least one log file") }
        guard (1...1_000_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 1000000") }
        guard (1...1024).contains(inflight) else { throw ValidationError("--inflight must be between 1 and 1024") }
        guard retryFor >= 0 && retryFor <= 86400 else {
            throw ValidationError("--retry-for must be 0 to 86400 seconds")
        }
    }

    func run() async throws {
        let opener = try input.opener()
        let chain = try input.chain(logs, opener: opener)
        let coordinator = try cluster.coordinatorEndpoint()
        let client = try await cluster.connect()
        let map: ShardMap
        do {
            map = try await client.shardMap().map
        } catch {
            await client.close()
            throw error
        }
        await client.close()

        var fingerprint = ImportFingerprint()
        fingerprint.add("tokenboard import v1")
        fingerprint.add(opener.options)
        fingerprint.add(UInt64(batch))
        fingerprint.add(map.version)
        for worker in map.workers { fingerprint.add(worker) }
        for owner in map.owners { fingerprint.add(UInt64(owner)) }
        for source in chain.sources { try fingerprint.add(source) }

        var options = ReplayOptions()
        options.batchSize = batch
        options.inflightPerWorker = inflight
        options.producerID = fingerprint.producerID
        options.retryFor = .milliseconds(Int64(retryFor * 1000))
        let replayer = Replayer(coordinator: coordinator, options: options)
        let progress = ProgressLine(enabled: !quiet)
        let totalBytes = chain.totalBytes
        // The chain belongs to the prefetch thread from here on; its counts are read once that has finished.
        let prefetch = PrefetchingSource { events in
            (try chain.next(into: &events, max: 65536), chain.position)
        }
        defer { prefetch.cancel() }
        let result = try await replayer.run(
            source: { events in try prefetch.next(into: &events) },
            progress: { state in
                let fraction = totalBytes > 0 ? Double(prefetch.position) / Double(totalBytes) : 1
                progress.update(
                    "imported \(Formatting.grouped(state.eventsAcked)) events, \(Formatting.grouped(UInt64(state.eventsPerSecond))) events/s, \(Int(fraction * 100))% of input"
                )
            }
        )
        progress.finish()
        let errors = chain.firstErrors
        let summary = ImportSummary(
            events: result.eventsAcked,
            duplicateEvents: result.duplicateEvents,
            batches: result.batchesAcked,
            seconds: result.elapsed.seconds,
            files: chain.sources.map { ImportSummary.File(path: $0.path, format: $0.format.rawValue) },
            linesRead: chain.linesRead,
            skippedLines: chain.skippedLines,
            badLines: chain.badLines,
            producerID: options.producerID,
            errors: errors.prefix(20).map(\.description)
        )
        try output.emit(summary) { summary in
            var text = ""
            let formats = Dictionary(grouping: summary.files, by: \.format).map { "\($0.value.count) \($0.key)" }
            text += line(
                "imported \(Formatting.grouped(summary.events)) events from \(summary.files.count) file(s) (\(formats.sorted().joined(separator: ", "))) in \(String(format: "%.2f", summary.seconds)) s"
            )
            text += line("producer \(summary.producerID) (derived from the files and options)")
            if summary.events > 0 && summary.duplicateEvents == summary.events {
                text += line("every event was already imported: nothing changed")
            } else if summary.duplicateEvents > 0 {
                text += line(
                    "\(Formatting.grouped(summary.duplicateEvents)) events were already imported (not counted again)"
                )
            }
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

struct ImportSummary: Encodable {
    struct File: Encodable {
        var path: String
        var format: String
    }

    var events: UInt64
    var duplicateEvents: UInt64
    var batches: UInt64
    var seconds: Double
    var files: [File]
    var linesRead: Int
    var skippedLines: Int
    var badLines: Int
    var producerID: UInt64
    var errors: [String]

    enum CodingKeys: String, CodingKey {
        case events, batches, seconds, files, errors
        case duplicateEvents = "duplicate_events"
        case linesRead = "lines_read"
        case skippedLines = "skipped_lines"
        case badLines = "bad_lines"
        case producerID = "producer_id"
    }
}
