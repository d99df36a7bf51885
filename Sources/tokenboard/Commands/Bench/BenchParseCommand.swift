import ArgumentParser
import TokenBoardBench

struct BenchParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Reading a log into batches on one thread, as replay does before sending (no network).",
        discussion:
            "Reads LOG (any format replay takes) once to warm the page cache, then --rounds more times, and prints the best round's events/s and the reading thread's CPU time per event."
    )

    @Argument(help: "The log to read.")
    var log: String

    @Option(name: .long, help: "Timed passes over the log.")
    var rounds: Int = 3

    @Option(name: .long, help: "Events per batch read, 1 to 65,536 (replay reads 65,536).")
    var batch: Int = 65_536

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
        guard (1...65_536).contains(batch) else { throw ValidationError("--batch must be 1 to 65,536") }
    }

    func run() async throws {
        for measurement in try ParseBenchmark(path: log, rounds: rounds, batchSize: batch).run() {
            print(measurement.jsonLine)
        }
    }
}
