import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Stream usage logs into the cluster, each event straight to the worker that owns its employee.",
        discussion: """
            Reads usage logs in any --format (docs/LOG-FORMAT.md), fetches the shard map from the coordinator, and sends \
            compressed (LZ4; --no-compression sends them plain), pipelined batches to the owning workers. Shows \
            progress on standard error (events acknowledged and sent, events/s, MB/s of batches sent, errors, ETA) \
            and prints events/s and the acknowledgement latency per batch (p50, p90, p99, p99.9, max, from an HDR \
            histogram) when done. Bad lines are counted, reported with file and line number, and skipped (--strict \
            makes the first one \
            fatal). A text log is read on two threads, one parsing the lines and one building the batches; a \
            binary log, whose blocks are batches already, on one.

            By default it sends as fast as the workers acknowledge; --rate paces events per second, --speed by \
            the log's own timestamps. --limit and --duration stop early; either way every batch sent is \
            acknowledged before the command ends. --verify MANIFEST then checks the cluster's answers against \
            the manifest (as `tokenboard verify` does) and exits 1 on any difference.

            Batches are numbered per worker under a producer id: when a worker's connection fails (a crash, a \
            restart) the replayer reconnects and resends what was not acknowledged, and the worker applies each \
            batch once. Replaying the same log again with the same --producer-id (and batch size) changes \
            nothing: every batch is acknowledged as a duplicate, so a replay that failed part way (a worker \
            gone for longer than --retry-for) is finished by running it again with the producer id and batch \
            size its error names. With --connections N each worker's batches go \
            round-robin over N connections, each numbering its own batches under a producer id derived from \
            --producer-id. Paced, limited or timed replays send partly filled batches, so replaying such a run \
            again under the same producer id is not a pure duplicate: use a new one (the default).

            A sharded log (tokenboard convert --shards) is sent block by block as ready ingest frames, compressed \
            when it was written, when the cluster's shard map routes as the one it was laid out for; otherwise (or \
            with --rate, --speed or --limit) its events are partitioned again and a note says why. --batch and \
            --compression do not apply to its blocks.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: "Log files to replay, in order.")
    var logs: [String]

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Events per batch.",
            discussion:
                "A batch names each employee and session once, so bigger batches leave the workers fewer names to resolve per event: 32,768 took 12% less worker CPU than 8,192."
        )
    )
    var batch: Int = 32768

    @Option(name: .long, help: "Batches in flight per connection.")
    var inflight: Int = 8

    @Option(name: .customLong("producer-id"), help: "Number batches under this producer id (default: a random one).")
    var producerID: UInt64?

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "LZ4-compress the batches sent, as the protocol does above its size threshold (not a sharded log's, which travel as prepared).",
            discussion:
                "Batches go in the protocol's compact 34-byte records when they fit, which are dense already: compression shrinks them (and the workers' write-ahead logs) by about a seventh more, for about 5% of the replayer's CPU time from JSONL and an eighth from a binary log; --no-compression saves that CPU where the network is loopback."
        )
    )
    var compression = true

    @Option(name: .customLong("retry-for"), help: "Seconds to keep reconnecting to a worker that went away.")
    var retryFor: Double = 60

    @OptionGroup var input: LogInputOptions

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    @OptionGroup(title: "Pacing and limits") var control: ReplayControlOptions

    @Option(name: .long, help: "After the replay, check the cluster against this manifest; exit 1 on a difference.")
    var verify: String?

    @OptionGroup(title: "Verification") var verification: VerificationOptions

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("name at least one log file") }
        guard (1...1_000_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 1000000") }
        guard (1...1024).contains(inflight) else { throw ValidationError("--inflight must be between 1 and 1024") }
        if producerID == 0 { throw ValidationError("--producer-id must not be 0 (0 means unnumbered)") }
        guard retryFor >= 0 && retryFor <= 86400 else {
            throw ValidationError("--retry-for must be 0 to 86400 seconds")
        }
    }

    /// What a replay that failed says: its error and, when the cluster failed it and the same run can be repeated
    /// exactly (unpaced, to the end, the same input), how to send the rest without counting what the workers
    /// already applied. A bad input (a file that does not open, a bad line under --strict) gets no such advice: the
    /// run that fixes it sends other batches.
    static func failure(_ error: any Error, resumable options: ReplayOptions, batch: Int) -> String {
        let isInputError =
            error is CommandFailure || error is LogOpenError || error is LogFileError || error is LogLineError
        guard !isInputError, options.pacing == .unlimited, options.limit == nil, options.duration == nil else {
            return "\(error)"
        }
        let connections = options.connectionsPerWorker > 1 ? " --connections \(options.connectionsPerWorker)" : ""
        return """
            \(error)
            To finish this replay without counting any event twice, run it again on the same log(s) with \
            --producer-id \(options.producerID) --batch \(batch)\(connections): the workers acknowledge the \
            batches they already have as duplicates.
            """
    }

    func run() async throws {
        var options = ReplayOptions()
        options.batchSize = batch
        options.inflightPerWorker = inflight
        options.compressBatches = compression
        if let producerID { options.producerID = producerID }
        options.retryFor = .milliseconds(Int64(retryFor * 1000))
        control.apply(to: &options)
        let sharded = logs.filter { ShardedLogReader.isSharded(path: $0) }
        if !sharded.isEmpty && sharded.count != logs.count {
            throw CommandFailure(
                "\(sharded[0]) is a sharded log and \(logs.first { !sharded.contains($0) } ?? "") is not: replay sharded logs on their own"
            )
        }
        let manifest = try verify.map { try verification.loadManifest($0) }
        let replayer = Replayer(coordinator: try cluster.coordinatorEndpoint(), options: options)
        let outcome: Outcome
        do {
            outcome = try sharded.isEmpty ? await replayLogs(replayer) : await replaySharded(replayer)
        } catch {
            throw CommandFailure(Self.failure(error, resumable: options, batch: batch))
        }
        let (result, totalBytes, badLines, errors) = (
            outcome.result, outcome.totalBytes, outcome.badLines, outcome.errors
        )
        var verified: VerificationReport?
        if let manifest, let verify {
            verified = try await verification.verify(manifest, path: verify, cluster: cluster)
        }
        let summary = ReplaySummary(
            events: result.eventsAcked,
            batches: result.batchesAcked,
            seconds: result.elapsed.seconds,
            eventsPerSecond: result.eventsPerSecond,
            payloadBytes: result.payloadBytes,
            inputBytes: UInt64(totalBytes),
            badLines: badLines,
            duplicateEvents: result.duplicateEvents,
            reconnects: result.reconnects,
            producerID: options.producerID,
            errors: errors.prefix(20).map(\.description),
            eventsSent: result.eventsSent,
            pacing: options.pacing.description,
            connections: options.connectionsPerWorker,
            stoppedBy: result.stop,
            connectionFailures: result.connectionFailures,
            ackLatency: result.ackLatency,
            verification: verified,
            sharded: !sharded.isEmpty,
            repartitioned: result.repartitioned
        )
        try output.emit(summary) { _ in
            var text = ""
            text += line(
                "replayed \(Formatting.grouped(result.eventsAcked)) events in \(String(format: "%.2f", summary.seconds)) s: \(Formatting.grouped(UInt64(result.eventsPerSecond))) events/s, \(Formatting.grouped(result.batchesAcked)) batches"
            )
            text += line("producer \(options.producerID)")
            if !sharded.isEmpty {
                text += line(
                    result.repartitioned.map { "sharded log partitioned again: \($0)" }
                        ?? "sharded log: every block sent to its worker as it is"
                )
            }
            text += line("ack latency per batch: \(result.ackLatency.line())")
            switch result.stop {
            case .limit: text += line("stopped at --limit \(Formatting.grouped(result.eventsSent)) events")
            case .duration: text += line("stopped after --duration \(control.duration ?? 0) s")
            case .endOfInput: break
            }
            if result.duplicateEvents > 0 {
                text += line(
                    "\(Formatting.grouped(result.duplicateEvents)) events were already applied (acknowledged as duplicates, not counted again)"
                )
            }
            if result.reconnects > 0 {
                text += line("reconnected \(result.reconnects) time(s) and resent unacknowledged batches")
            }
            text += InputReportText.badLines(badLines, errors: errors.map(\.description))
            if let verified { text += verified.render() }
            return text
        }
        if verified?.ok == false { throw ExitCode.failure }
    }
}

extension ReplayCommand {
    /// What a replay read and how it went.
    struct Outcome {
        var result: ReplayProgress
        var totalBytes: Int64
        var badLines: Int
        var errors: [LogLineError]
    }

    /// Replays logs of any format, partitioning their events here.
    private func replayLogs(_ replayer: Replayer) async throws -> Outcome {
        let opener = try input.opener()
        var readers: [any UsageLogReader] = []
        for path in logs {
            readers.append(try opener.open(path))
        }
        let totalBytes = readers.reduce(Int64(0)) { $0 + $1.fileSize }
        let progress = ProgressLine(enabled: !quiet)
        let options = replayer.options
        let statusLine = ReplayStatusLine(inputBytes: totalBytes, limit: options.limit, duration: options.duration)
        // The readers belong to the reading threads from here on; progress reads the position they report.
        let batches = LogBatchReader(readers: readers)
        defer { batches.cancel() }
        let result = try await replayer.run(
            batchSource: { batch in
                guard let next = try batches.next() else { return false }
                batch = next
                return true
            },
            progress: { state in progress.update(statusLine.render(state, bytesRead: batches.position)) }
        )
        progress.finish()
        // A limit can stop the replay before the input ends: the readers are read below, once the threads are done.
        batches.stop()
        return Outcome(
            result: result,
            totalBytes: totalBytes,
            badLines: readers.reduce(0) { $0 + $1.badLines },
            errors: readers.flatMap(\.firstErrors)
        )
    }

    /// Replays sharded logs (all laid out for one map), block by block.
    private func replaySharded(_ replayer: Replayer) async throws -> Outcome {
        var readers = try logs.map { try ShardedLogReader(path: $0) }
        let map = readers[0].map
        if let other = readers.first(where: { $0.map != map }) {
            throw CommandFailure("\(other.path) is sharded for another map than \(readers[0].path): replay them apart")
        }
        let totalBytes = readers.reduce(Int64(0)) { $0 + $1.fileSize }
        let progress = ProgressLine(enabled: !quiet)
        let options = replayer.options
        let statusLine = ReplayStatusLine(inputBytes: totalBytes, limit: options.limit, duration: options.duration)
        var current = 0
        var doneBytes: Int64 = 0
        // Blocks travel in groups, so the threads hand over a lock once per group rather than once per block.
        let prefetch = PrefetchingSource<[ShardedLogBlock]>(depth: 4, empty: { [] }, isEmpty: \.isEmpty) { blocks in
            while current < readers.count {
                while blocks.count < 16, let block = try readers[current].next() { blocks.append(block) }
                if !blocks.isEmpty { return (true, doneBytes + readers[current].bytesRead) }
                doneBytes += readers[current].fileSize
                readers[current].close()
                current += 1
            }
            return (false, doneBytes)
        }
        defer { prefetch.cancel() }
        var pending: [ShardedLogBlock] = []
        var noted = false
        let result = try await replayer.run(
            sharded: {
                if pending.isEmpty, let next = try prefetch.next() { pending = next.reversed() }
                return pending.popLast()
            },
            recordedMap: map,
            progress: { state in
                if let reason = state.repartitioned, !noted, !quiet {
                    noted = true
                    FileHandle.standardError.write(Data("note: partitioning the sharded log again: \(reason)\n".utf8))
                }
                progress.update(statusLine.render(state, bytesRead: prefetch.position))
            }
        )
        progress.finish()
        prefetch.stop()
        readers.removeAll()
        return Outcome(result: result, totalBytes: totalBytes, badLines: 0, errors: [])
    }
}

struct ReplaySummary: Encodable {
    var events: UInt64
    var batches: UInt64
    var seconds: Double
    var eventsPerSecond: Double
    var payloadBytes: UInt64
    var inputBytes: UInt64
    var badLines: Int
    var duplicateEvents: UInt64
    var reconnects: UInt64
    var producerID: UInt64
    var errors: [String]
    var eventsSent: UInt64 = 0
    var pacing = "max"
    var connections = 1
    var stoppedBy = ReplayStop.endOfInput
    var connectionFailures: UInt64 = 0
    var ackLatency = LatencyPercentiles()
    var verification: VerificationReport?
    /// Whether the input was a sharded log, and if so why its blocks were not sent as they are (nil: they were).
    var sharded = false
    var repartitioned: String?

    enum CodingKeys: String, CodingKey {
        case events, batches, seconds, reconnects, errors, pacing, connections, verification, sharded, repartitioned
        case eventsSent = "events_sent"
        case stoppedBy = "stopped_by"
        case connectionFailures = "connection_failures"
        case ackLatency = "ack_latency"
        case duplicateEvents = "duplicate_events"
        case producerID = "producer_id"
        case eventsPerSecond = "events_per_second"
        case payloadBytes = "payload_bytes"
        case inputBytes = "input_bytes"
        case badLines = "bad_lines"
    }
}
