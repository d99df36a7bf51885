import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

/// Reading a log into batches, the replayer's parse stage alone, with no partitioning, encoding or network: on the
/// calling thread (`UsageLogReader.nextBatch`, batches of 65,536 unless asked otherwise), and as `tokenboard replay`
/// reads (`LogBatchReader`: a text log on two threads, one scanning the lines and one building the batches). The
/// file is read once before timing, so the rounds read it from the page cache.
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

    /// Reads the log `rounds` times each way and returns the best round's events per second, and that round's CPU
    /// time per event: of the reading thread, and of the process when the replay's reader uses two.
    public func run() throws -> [Measurement] {
        _ = try Self.read(path, batchSize: batchSize)
        let file = (path as NSString).lastPathComponent
        let oneThread = try best { try Self.read(path, batchSize: batchSize) }
        let asReplayed = try best { try Self.readAsReplayed(path) }
        return [
            Measurement(
                name: "parse_events_per_second",
                value: oneThread.eventsPerSecond,
                unit: "events/s",
                detail:
                    "\(oneThread.events) events of \(file) in batches of \(batchSize), one thread, best of \(rounds)"
            ),
            Measurement(
                name: "parse_cpu_ns_per_event",
                value: oneThread.cpuNanosecondsPerEvent,
                unit: "ns",
                detail: "CPU time of the reading thread"
            ),
            Measurement(
                name: "parse_as_replayed_events_per_second",
                value: asReplayed.eventsPerSecond,
                unit: "events/s",
                detail: "the same as tokenboard replay reads it (a text log on two threads), best of \(rounds)"
            ),
            Measurement(
                name: "parse_as_replayed_cpu_ns_per_event",
                value: asReplayed.cpuNanosecondsPerEvent,
                unit: "ns",
                detail: "CPU time of the process (both reading threads)"
            ),
        ]
    }

    /// One way of reading, timed.
    private struct Round {
        var wall: Duration
        var cpu: Duration
        var events: Int

        var eventsPerSecond: Double {
            Double(events) / (Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
        }

        var cpuNanosecondsPerEvent: Double {
            (Double(cpu.components.seconds) * 1e9 + Double(cpu.components.attoseconds) * 1e-9) / Double(events)
        }
    }

    /// The fastest of `rounds` rounds.
    private func best(_ round: () throws -> Round) throws -> Round {
        var best: Round?
        for _ in 0..<max(1, rounds) {
            let next = try round()
            if best == nil || next.wall < best!.wall { best = next }
        }
        guard let best, best.events > 0 else { throw ParseBenchmarkError.noEvents(path) }
        return best
    }

    /// One pass over the log on this thread: wall time, the thread's CPU time and the events read.
    private static func read(_ path: String, batchSize: Int) throws -> Round {
        let reader = try LogOpener(options: .init()).open(path)
        defer { reader.close() }
        let clock = ContinuousClock()
        let cpuStart = cpuTime(CLOCK_THREAD_CPUTIME_ID)
        let started = clock.now
        var events = 0
        var batch = EventBatch()
        var more = true
        while more {
            more = try reader.nextBatch(into: &batch, max: batchSize)
            events += batch.events.count
        }
        return Round(wall: clock.now - started, cpu: cpuTime(CLOCK_THREAD_CPUTIME_ID) - cpuStart, events: events)
    }

    /// One pass over the log as a replay reads it: wall time, the process's CPU time and the events read.
    private static func readAsReplayed(_ path: String) throws -> Round {
        let batches = LogBatchReader(readers: [try LogOpener(options: .init()).open(path)])
        defer { batches.stop() }
        let clock = ContinuousClock()
        let cpuStart = cpuTime(CLOCK_PROCESS_CPUTIME_ID)
        let started = clock.now
        var events = 0
        while let batch = try batches.next() { events += batch.events.count }
        return Round(wall: clock.now - started, cpu: cpuTime(CLOCK_PROCESS_CPUTIME_ID) - cpuStart, events: events)
    }

    private static func cpuTime(_ clock: clockid_t) -> Duration {
        var now = timespec()
        clock_gettime(clock, &now)
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
