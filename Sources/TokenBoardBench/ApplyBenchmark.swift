import Foundation
import TokenBoardCore

/// In-process apply rate: ready-made batches, as a worker decodes them (`IngestBatch`), checked and applied to one
/// `ShardStore`, with no I/O and no decoding.
public struct ApplyBenchmark: Sendable {
    public var employees: Int
    public var events: Int
    public var batchSize: Int

    /// How many in-process top-250 queries are timed after the apply.
    static let topRepetitions = 50
    /// How many times the batches are applied, each time to a fresh store.
    static let rounds = 3

    public init(employees: Int = 100_000, events: Int = 5_000_000, batchSize: Int = 32768) {
        self.employees = employees
        self.events = events
        self.batchSize = batchSize
    }

    /// Applies every batch and returns the apply rate on two threads (`ShardStore.applyThreads`; one on a
    /// one-core machine) and on one, the in-process top-250 time, and the store's heap growth per employee.
    public func run(priceBook: PriceBook) throws -> [Measurement] {
        // In the form a worker decodes a received batch into: converting is the decoder's work, not the store's.
        let batches = try SyntheticLoad.batches(
            employees: employees,
            events: events,
            batchSize: batchSize,
            priceBook: priceBook
        ).map(IngestBatch.init)
        let threads = ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1
        // The first round's store is measured for memory and queried; the later rounds apply the same batches
        // to fresh stores. The rate reported is the best round's: on a machine shared with other work the
        // slowest rounds measure the other work.
        let rssBefore = ResidentMemory.current()
        var store = ShardStore(priceBook: priceBook)
        store.applyThreads = threads
        var rounds = [try Self.timedApply(batches, to: &store)]
        let rssAfter = ResidentMemory.current()
        for _ in 1..<Self.rounds { rounds.append(try Self.timedApply(batches, threads: threads, priceBook: priceBook)) }
        var oneThreadRounds: [Timing] = []
        for _ in 0..<Self.rounds {
            oneThreadRounds.append(try Self.timedApply(batches, threads: 1, priceBook: priceBook))
        }
        let clock = ContinuousClock()
        let anchor = store.newestDay ?? Day(number: 0)
        var samples: [Duration] = []
        for _ in 0..<Self.topRepetitions {
            let t = clock.now
            let top = store.top(k: 250, window: .days(30), anchor: anchor, by: .tokens)
            precondition(top.entries.count == min(250, store.employeeCount))
            samples.append(clock.now - t)
        }
        let latency = LatencySummary(samples: samples)
        let stats = store.stats
        let workload = "\(events) events, \(employees) employees, batches of \(batchSize)"
        return rates(
            of: rounds,
            named: "apply",
            setting: "\(workload), applied on \(threads == 2 ? "two threads" : "one thread")"
        )
            + rates(of: oneThreadRounds, named: "apply_one_thread", setting: "the same, on one thread")
            + [
                Measurement(
                    name: "inprocess_top250_p50_ms",
                    value: latency.p50.milliseconds,
                    unit: "ms",
                    detail: "one store holding all \(employees) employees, 30d window"
                ),
                Measurement(
                    name: "store_bytes_per_employee",
                    value: Double(max(0, rssAfter - rssBefore)) / Double(max(stats.employees, 1)),
                    unit: "bytes",
                    detail: "\(stats.cells) cells for \(stats.employees) employees over 30 days"
                ),
            ]
    }

    /// The best of `rounds` as events per second and CPU time per event.
    private func rates(of rounds: [Timing], named name: String, setting: String) -> [Measurement] {
        let best = rounds.min { $0.wall < $1.wall }!
        return [
            Measurement(
                name: "\(name)_events_per_second",
                value: Double(events) / max(best.wall.milliseconds / 1000, 1e-9),
                unit: "events/s",
                detail:
                    "\(setting), best of \(rounds.count) rounds: \(rounds.map { String(format: "%.0f ms", $0.wall.milliseconds) }.joined(separator: ", "))"
            ),
            Measurement(
                name: "\(name)_cpu_ns_per_event",
                value: best.cpu.milliseconds * 1e6 / Double(max(events, 1)),
                unit: "ns",
                detail: "CPU time of the process (every applying thread) in that round"
            ),
        ]
    }

    /// Wall and CPU time of one round.
    private struct Timing {
        var wall: Duration
        var cpu: Duration
    }

    /// Applies `batches` to a fresh store applying on `threads`.
    private static func timedApply(_ batches: [IngestBatch], threads: Int, priceBook: PriceBook) throws -> Timing {
        var store = ShardStore(priceBook: priceBook)
        store.applyThreads = threads
        return try timedApply(batches, to: &store)
    }

    /// Applies `batches` to `store`: wall time, and the CPU time of the process (the bench runs nothing else).
    private static func timedApply(_ batches: [IngestBatch], to store: inout ShardStore) throws -> Timing {
        let clock = ContinuousClock()
        let cpuStart = processCPUTime()
        let started = clock.now
        for batch in batches {
            store.apply(try store.check(batch))
        }
        return Timing(wall: clock.now - started, cpu: processCPUTime() - cpuStart)
    }

    private static func processCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}
