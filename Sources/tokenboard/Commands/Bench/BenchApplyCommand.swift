import ArgumentParser
import TokenBoardBench
import TokenBoardCore

struct BenchApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "In-process shard apply rate, in-process top-250 time and heap per employee (no network)."
    )

    @Option(name: .long, help: "Employees.")
    var employees: Int = 100_000

    @Option(name: .long, help: "Events.")
    var events: Int = 5_000_000

    @Option(
        name: .long,
        help:
            "Events per batch: by default what `tokenboard replay` sends a worker (32,768; the HTTP gateway sends 8,192)."
    )
    var batch: Int = 32768

    @Option(name: .long, help: "Price book.")
    var prices: String = "cluster/prices.json"

    func run() async throws {
        guard batch > 0 && batch <= EventBatch.maxConvertedEvents else {
            throw ValidationError("--batch must be 1 to \(EventBatch.maxConvertedEvents)")
        }
        let benchmark = ApplyBenchmark(employees: employees, events: events, batchSize: batch)
        for measurement in try benchmark.run(priceBook: try PriceBook(contentsOf: prices)) {
            print(measurement.jsonLine)
        }
    }
}
