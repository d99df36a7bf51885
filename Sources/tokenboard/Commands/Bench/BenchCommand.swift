import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure one figure and print it as JSON lines (scripts/bench runs these and prints the table).",
        subcommands: [
            BenchApplyCommand.self, BenchIngestCommand.self, BenchParseCommand.self, BenchQueryCommand.self,
            BenchRecoveryCommand.self,
        ]
    )
}
