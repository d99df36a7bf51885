import ArgumentParser
import TokenBoardBench
import TokenBoardCore

struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest rate into one worker over loopback (start it with a one-worker topology)."
    )

    @Option(name: .long, help: "The worker's HOST:PORT.")
    var worker: String

    @Option(name: .long, help: "Employees.")
    var employees: Int = 100_000

    @Option(name: .long, help: "Events.")
    var events: Int = 5_000_000

    @Option(name: .long, help: "Batches in flight.")
    var inflight: Int = 16

    @Option(name: .long, help: "Price book.")
    var prices: String = "cluster/prices.json"

    func validate() throws {
        guard Endpoint(worker) != nil else { throw ValidationError("--worker must be HOST:PORT") }
    }

    func run() async throws {
        let benchmark = IngestBenchmark(
            worker: Endpoint(worker)!,
            employees: employees,
            events: events,
            inflight: inflight
        )
        for measurement in try await benchmark.run(priceBook: try PriceBook(contentsOf: prices)) {
            print(measurement.jsonLine)
        }
    }
}
