import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

struct GenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract:
            "Generate a usage log (canonical JSONL, or --binary) calibrated to a company month, with its manifest.",
        discussion: """
            Defaults reproduce the reported month: 85,000 employees over 30 days from 2026-10-01, 60 trillion \
            tokens, the top employee at 281 billion, a power-law tail, cache reads the largest share, a mix of \
            Claude, GPT, Gemini and in-house models. --events sets how many records carry those tokens (every \
            employee gets at least one). The same --seed gives the same bytes. The manifest holds the exact \
            per-employee, per-model and company totals (see docs/LOG-FORMAT.md). The log is written to OUT.partial \
            and renamed when complete. --binary writes the same events as a binary log, which replays read much \
            faster than JSONL.
            """
    )

    @Option(name: .long, help: "Log file to write.")
    var out: String

    @Option(name: .long, help: "Manifest file to write (default: OUT with .manifest.json).")
    var manifest: String?

    @Option(name: .long, help: "Employees.")
    var employees: Int = 85_000

    @Option(name: .long, help: "Days.")
    var days: Int = 30

    @Option(name: .long, help: "First day (YYYY-MM-DD).")
    var start: String = "2026-10-01"

    @Option(name: .customLong("total-tokens"), help: "Tokens over the whole log.")
    var totalTokens: UInt64 = 60_000_000_000_000

    @Option(name: .customLong("top-tokens"), help: "Tokens of the top employee.")
    var topTokens: UInt64 = 281_000_000_000

    @Option(name: .long, help: "Records to write.")
    var events: Int = 3_000_000

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Price book used for the manifest's costs.")
    var prices: String = "cluster/prices.json"

    @Flag(name: .long, help: "Write a binary log (LZ4-compressed blocks) instead of canonical JSONL.")
    var binary = false

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    @Flag(
        name: .customLong("plant-cases"),
        help: """
            Add named employees with known behaviour on the last day (an idle agent looping 20 hours, a 9-model \
            user, a cache-heavy user, a team over budget) and write their teams to OUT.directory.csv.
            """
    )
    var plantCases = false

    func validate() throws {
        guard Day(iso: start) != nil else { throw ValidationError("--start must be YYYY-MM-DD") }
    }

    func run() async throws {
        let config = WorkloadConfig(
            employees: employees,
            days: days,
            startDay: Day(iso: start)!,
            totalTokens: totalTokens,
            topTokens: topTokens,
            events: events,
            seed: seed
        )
        let generator: WorkloadGenerator
        do {
            generator = try WorkloadGenerator(config: config)
        } catch {
            throw CommandFailure("cannot generate this workload: \(error)")
        }
        let priceBook = try PriceBook(contentsOf: prices)
        let partial = out + ".partial"
        var writer = try makeLogWriter(format: binary ? .binary : .canonical, path: partial)
        let progress = ProgressLine(enabled: !quiet)
        let clock = ContinuousClock()
        let started = clock.now
        var lastReport = started
        let total = events
        var planted =
            try plantCases ? PlantedCases(lastDay: config.startDay.adding(days: days - 1), priceBook: priceBook) : nil
        // With planted events the manifest covers every event written, generated or planted.
        var plantedManifest = ManifestBuilder(priceBook: priceBook)
        let generated = try generator.generate(
            priceBook: priceBook,
            emit: { event in
                if let due = planted?.take(through: event.timestampMillis) {
                    for extra in due {
                        try writer.write(extra)
                        plantedManifest.add(extra)
                    }
                    plantedManifest.add(event)
                }
                try writer.write(event)
            },
            progress: { done in
                let now = clock.now
                guard now - lastReport >= .seconds(1) || done == total else { return }
                lastReport = now
                let rate = Double(done) / max((now - started).seconds, 1e-9)
                progress.update(
                    "generated \(Formatting.grouped(UInt64(done)))/\(Formatting.grouped(UInt64(total))) events (\(done * 100 / max(total, 1))%), \(Formatting.grouped(UInt64(rate))) events/s"
                )
            }
        )
        if let rest = planted?.take(through: .max) {
            for extra in rest {
                try writer.write(extra)
                plantedManifest.add(extra)
            }
            try PlantedCases.directoryCSV.write(toFile: out + ".directory.csv", atomically: true, encoding: .utf8)
        }
        let result =
            planted == nil ? generated : plantedManifest.build(config: config, exponent: generator.exponent)
        try writer.close()
        progress.finish()
        if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
        try FileManager.default.moveItem(atPath: partial, toPath: out)
        let manifestPath = manifest ?? Self.defaultManifestPath(for: out)
        try result.write(to: manifestPath)
        let elapsed = (clock.now - started).seconds
        let summary = GenSummary(
            log: out,
            manifest: manifestPath,
            events: result.events,
            employees: result.employeeCount,
            tokens: result.totals.tokens,
            costNanos: result.totals.cost,
            costUSD: Formatting.exactDollars(result.totals.cost),
            topEmployee: result.top.first?.employee,
            topTokens: result.top.first?.tokens,
            seconds: elapsed
        )
        try output.emit(summary) { _ in
            var text = ""
            text += line(
                """
                wrote \(Formatting.grouped(UInt64(result.events))) events for \(Formatting.grouped(UInt64(result.employeeCount))) employees to \(out) in \(String(format: "%.1f", elapsed)) s
                  tokens: \(Formatting.grouped(result.totals.tokens)), list-price cost \(Formatting.dollars(result.totals.cost))
                  top employee: \(result.top.first.map { "\($0.employee) with \(Formatting.grouped($0.tokens)) tokens" } ?? "-")
                  manifest: \(manifestPath)
                """
            )
            return text
        }
    }

    static func defaultManifestPath(for log: String) -> String {
        for suffix in [".jsonl", ".tblog"] where log.hasSuffix(suffix) {
            return String(log.dropLast(suffix.count)) + ".manifest.json"
        }
        return log + ".manifest.json"
    }
}

struct GenSummary: Encodable {
    var log: String
    var manifest: String
    var events: Int
    var employees: Int
    var tokens: UInt64
    var costNanos: UInt64
    var costUSD: String
    var topEmployee: String?
    var topTokens: UInt64?
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case log, manifest, events, employees, tokens, seconds
        case costNanos = "cost_nanos"
        case costUSD = "cost_usd"
        case topEmployee = "top_employee"
        case topTokens = "top_tokens"
    }
}
