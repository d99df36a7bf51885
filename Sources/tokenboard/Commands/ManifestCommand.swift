import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

struct ManifestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Compute the exact totals of usage logs of any format: a manifest like gen's.",
        discussion: """
            Reads the logs in order (--format auto tells each file's format from its content) and writes the \
            manifest of exactly the events replay or import would send: totals, by model, tool and day, every \
            employee, and the top 250 (docs/LOG-FORMAT.md, "The manifest"), costed with --prices. Bad lines are \
            counted, reported and left out (--strict: the first one stops it).
            """
    )

    @Argument(help: "Log files, in order.")
    var logs: [String]

    @Option(name: [.customShort("o"), .long], help: "The manifest file to write.")
    var out: String

    @Option(name: .long, help: "Price book for the costs.")
    var prices: String = "cluster/prices.json"

    @OptionGroup var input: LogInputOptions

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("name at least one log file") }
    }

    func run() async throws {
        let priceBook = try PriceBook(contentsOf: prices)
        let chain = try input.chain(logs, opener: input.opener())
        var builder = ManifestBuilder(priceBook: priceBook)
        let progress = ProgressLine(enabled: !quiet)
        let clock = ContinuousClock()
        let started = clock.now
        var lastReport = started
        var events: [UsageEvent] = []
        events.reserveCapacity(65536)
        while try chain.next(into: &events, max: 65536) {
            for event in events { builder.add(event) }
            events.removeAll(keepingCapacity: true)
            let now = clock.now
            if now - lastReport >= .seconds(1) {
                lastReport = now
                let fraction = chain.totalBytes > 0 ? Double(chain.position) / Double(chain.totalBytes) : 1
                progress.update(
                    "read \(Formatting.grouped(UInt64(chain.events))) events, \(Int(fraction * 100))% of input"
                )
            }
        }
        progress.finish()
        let manifest = builder.build()
        try manifest.write(to: out)
        let summary = ManifestSummary(
            manifest: out,
            events: manifest.events,
            employees: manifest.employeeCount,
            tokens: manifest.totals.tokens,
            costNanos: manifest.totals.cost,
            costUSD: Formatting.exactDollars(manifest.totals.cost),
            seconds: (clock.now - started).seconds,
            badLines: chain.badLines,
            errors: chain.firstErrors.prefix(20).map(\.description)
        )
        try output.emit(summary) { summary in
            var text = line(
                "wrote the manifest of \(Formatting.grouped(UInt64(summary.events))) events for \(Formatting.grouped(UInt64(summary.employees))) employees to \(summary.manifest)"
            )
            text += line(
                "  tokens: \(Formatting.grouped(summary.tokens)), list-price cost \(Formatting.dollars(summary.costNanos))"
            )
            text += InputReportText.badLines(summary.badLines, errors: summary.errors)
            return text
        }
    }
}

struct ManifestSummary: Encodable {
    var manifest: String
    var events: Int
    var employees: Int
    var tokens: UInt64
    var costNanos: UInt64
    var costUSD: String
    var seconds: Double
    var badLines: Int
    var errors: [String]

    enum CodingKeys: String, CodingKey {
        case manifest, events, employees, tokens, seconds, errors
        case costNanos = "cost_nanos"
        case costUSD = "cost_usd"
        case badLines = "bad_lines"
    }
}
