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
            """
    )

    @Argument(help: "Log files to convert, in order.")
    var logs: [String]

    @Option(name: [.customShort("o"), .long], help: "The log to write.")
    var out: String

    @Option(name: .long, help: "Output format: binary or canonical.")
    var to: String = "binary"

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
    }

    func run() async throws {
        let chain = try input.chain(logs, opener: input.opener())
        let format: LogFormat = to == "binary" ? .binary : .canonical
        let partial = out + ".partial"
        var writer = try makeLogWriter(format: format, path: partial)
        let progress = ProgressLine(enabled: !quiet)
        let clock = ContinuousClock()
        let started = clock.now
        var lastReport = started
        var events: [UsageEvent] = []
        events.reserveCapacity(65536)
        do {
            while try chain.next(into: &events, max: 65536) {
                for event in events { try writer.write(event) }
                events.removeAll(keepingCapacity: true)
                let now = clock.now
                if now - lastReport >= .seconds(1) {
                    lastReport = now
                    let fraction = chain.totalBytes > 0 ? Double(chain.position) / Double(chain.totalBytes) : 1
                    progress.update(
                        "converted \(Formatting.grouped(UInt64(chain.events))) events, \(Int(fraction * 100))% of input"
                    )
                }
            }
            try writer.close()
        } catch {
            try? writer.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        progress.finish()
        if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
        try FileManager.default.moveItem(atPath: partial, toPath: out)
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

    enum CodingKeys: String, CodingKey {
        case output, format, events, seconds, errors
        case bytesWritten = "bytes_written"
        case inputBytes = "input_bytes"
        case linesRead = "lines_read"
        case skippedLines = "skipped_lines"
        case badLines = "bad_lines"
    }
}
