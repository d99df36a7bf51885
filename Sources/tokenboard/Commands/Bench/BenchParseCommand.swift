import ArgumentParser
import TokenBoardBench

struct BenchParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Reading a log into batches, as replay does before sending (no network).",
        discussion:
            "Reads LOG (any format replay takes) once to warm the page cache, then --rounds more times on one thread (in batches of --batch) and --rounds more as replay reads it (a text log on two threads: one scans the lines, one builds the batches of 65,536), and prints each way's best round: events/s, and CPU time per event of the reading thread or of both."
    )

    @Argument(help: "The log to read.")
    var log: String

    @Option(name: .long, help: "Timed passes over the log.")
    var rounds: Int = 3

    @Option(name: .long, help: "Events per batch read on one thread, 1 to 65,536 (replay reads 65,536).")
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
