import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore

/// The window a query covers and whether a partial answer is acceptable.
struct WindowOptions: ParsableArguments {
    @Option(name: .long, help: "Window of whole UTC days: 1d, 7d, 30d, any Nd, or all.")
    var window: String = "30d"

    @Option(
        name: .customLong("as-of"),
        help: "Last day of the window (YYYY-MM-DD); default: the newest day the cluster has seen."
    )
    var asOf: String?

    @Flag(
        name: .customLong("allow-partial"),
        help: "Answer from the shards that respond when some do not (the output says so)."
    )
    var allowPartial = false

    func validate() throws {
        guard Window(window) != nil else {
            throw ValidationError("--window must be like 1d, 7d, 30d or all; got '\(window)'")
        }
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD; got '\(asOf)'") }
    }

    var parsedWindow: Window { Window(window)! }
    var anchor: Day? { asOf.flatMap(Day.init(iso:)) }
}

/// `--json` for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}

/// What to rank by.
struct MetricOption: ParsableArguments {
    @Option(name: .customLong("by"), help: "Rank by tokens, cost or output tokens.")
    var by: String = "tokens"

    func validate() throws {
        guard RankingMetric(name: by) != nil else {
            throw ValidationError("--by must be tokens, cost or output; got '\(by)'")
        }
    }

    var metric: RankingMetric { RankingMetric(name: by) ?? .tokens }
}

extension OutputOptions {
    /// Prints a report as JSON or as its table.
    func emit<Report: Encodable>(_ report: Report, render: (Report) -> String) throws {
        if json {
            print(String(decoding: try ReportJSON.encode(report), as: UTF8.self), terminator: "")
        } else {
            print(render(report), terminator: "")
        }
    }
}

/// One line of a text report.
func line(_ text: String) -> String { text + "\n" }
