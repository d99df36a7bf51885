import ArgumentParser
import Foundation
import TokenBoardBench
import TokenBoardCore

struct BenchRecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Worker start-up: replaying a write-ahead log, writing a snapshot, and loading it.",
        discussion:
            "Builds a real data directory under --scratch (removed afterwards) and needs about 1 KB of disk per event."
    )

    @Option(name: .long, help: "Employees in the shard.")
    var employees: Int = 25_000

    @Option(name: .long, help: "Events in the log.")
    var events: Int = 10_000_000

    @Option(name: .long, help: "Price book.")
    var prices: String = "cluster/prices.json"

    @Option(name: .long, help: "Folder for the temporary data directory.")
    var scratch: String = FileManager.default.temporaryDirectory.path

    func validate() throws {
        guard employees > 0, events > 0 else { throw ValidationError("--employees and --events must be positive") }
    }

    func run() async throws {
        let benchmark = RecoveryBenchmark(employees: employees, events: events, scratch: scratch)
        for measurement in try benchmark.run(priceBook: try PriceBook(contentsOf: prices)) {
            print(measurement.jsonLine)
        }
    }
}
