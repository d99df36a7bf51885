import ArgumentParser
import TokenBoardBench
import TokenBoardCore

struct BenchQueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Top-K latency through the coordinator of a loaded cluster (p50/p99/max)."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .long, help: "Queries to time.")
    var queries: Int = 2000

    @Option(name: .short, help: "K.")
    var k: Int = 250

    func run() async throws {
        let benchmark = QueryBenchmark(coordinator: try cluster.coordinatorEndpoint(), queries: queries, k: k)
        for measurement in try await benchmark.run() {
            print(measurement.jsonLine)
        }
    }
}
