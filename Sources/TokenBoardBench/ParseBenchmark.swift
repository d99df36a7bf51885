import Foundation
import TokenBoardCore
import TokenBoardWorkload

/// Reading a log into batches as `tokenboard replay` does before it sends anything (`UsageLogReader.nextBatch`,
/// batches of 65,536 unless asked otherwise), on the calling thread: the replayer's parse stage alone, with no
/// partitioning, encoding or network. The file is read once before timing, so the rounds read it from the page cache.
public struct ParseBenchmark: Sendable {
    public var path: String
    public var rounds: Int
    /// Events per batch read: 65,536, as `tokenboard replay` reads.
    public var batchSize: Int

    public init(path: String, rounds: Int = 3, batchSize: Int = EventBatch.maxConvertedEvents) {
        precondition((1...EventBatch.maxConvertedEvents).contains(batchSize), "1 to 65,536 events per batch")
        self.path = path
        self.rounds = rounds
        self.batchSize = batchSize
    }

    /// Reads the log `rounds` times and returns the best round's events per second, and that round's CPU time of
    /// the reading thread per event.
    public func run() throws -> [Measurement] {
        var best: (wall: Duration, cpu: Duration, events: Int)?
        _ = try Self.read(path, batchSize: batchSize)
        for _ in 0..<max(1, rounds) {
            let round = try Self.read(path, batchSize: batchSize)
            if best == nil || round.wall < best!.wall { best = round }
        }
        guard let best, best.events > 0 else { throw ParseBenchmarkError.noEvents(path) }
        let seconds = Double(best.wall.components.seconds) + Double(best.wall.components.attoseconds) * 1e-18
        let cpuNanoseconds =
            Double(best.cpu.components.seconds) * 1e9 + Double(best.cpu.components.attoseconds) * 1e-9
        let detail =
            "\(best.events) events of \((path as NSString).lastPathComponent) in batches of \(batchSize), one thread, best of \(rounds)"
        return [
            Measurement(
                name: "parse_events_per_second",
                value: Double(best.events) / seconds,
                unit: "events/s",
                detail: detail
            ),
            Measurement(
                name: "parse_cpu_ns_per_event",
                value: cpuNanoseconds / Double(best.events),
                unit: "ns",
                detail: "CPU time of the reading thread"
            ),
        ]
    }

    /// One pass over the log: wall time, the thread's CPU time and the events read.
    private static func read(_ path: String, batchSize: Int) throws -> (wall: Duration, cpu: Duration, events: Int) {
        let reader = try LogOpener(options: .init()).open(path)
        defer { reader.close() }
        let clock = ContinuousClock()
        let cpuStart = threadCPUTime()
        let started = clock.now
        var events = 0
        var batch = EventBatch()
        var more = true
        while more {
            more = try reader.nextBatch(into: &batch, max: batchSize)
            events += batch.events.count
        }
        return (clock.now - started, threadCPUTime() - cpuStart, events)
    }

    private static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}

/// Why the parse benchmark could not measure.
public enum ParseBenchmarkError: Error, CustomStringConvertible {
    case noEvents(String)

    public var description: String {
        switch self {
        case .noEvents(let path): "\(path) holds no events to measure"
        }
    }
}
