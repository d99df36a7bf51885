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

    /// Applies every batch and returns the apply rate, the in-process top-250 time, and the store's heap
    /// growth per employee.
    public func run(priceBook: PriceBook) throws -> [Measurement] {
        // In the form a worker decodes a received batch into: converting is the decoder's work, not the store's.
        let batches = try SyntheticLoad.batches(
            employees: employees,
            events: events,
            batchSize: batchSize,
            priceBook: priceBook
        ).map(IngestBatch.init)
        // The first round's store is measured for memory and queried; the later rounds apply the same batches
        // to fresh stores. The rate reported is the best round's: on a machine shared with other work the
        // slowest rounds measure the other work.
        let rssBefore = ResidentMemory.current()
        var store = ShardStore(priceBook: priceBook)
        var rounds = [try Self.timedApply(batches, to: &store)]
        let rssAfter = ResidentMemory.current()
        for _ in 1..<Self.rounds {
            var fresh = ShardStore(priceBook: priceBook)
            rounds.append(try Self.timedApply(batches, to: &fresh))
        }
        let best = rounds.min { $0.wall < $1.wall }!
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
        return [
            Measurement(
                name: "apply_events_per_second",
                value: Double(events) / max(best.wall.milliseconds / 1000, 1e-9),
                unit: "events/s",
                detail:
                    "\(events) events, \(employees) employees, batches of \(batchSize), one core, best of \(Self.rounds) rounds: \(rounds.map { String(format: "%.0f ms", $0.wall.milliseconds) }.joined(separator: ", "))"
            ),
            Measurement(
                name: "apply_cpu_ns_per_event",
                value: best.cpu.milliseconds * 1e6 / Double(max(events, 1)),
                unit: "ns",
                detail: "CPU time of the applying thread in the best round (not counting time other work had the core)"
            ),
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

    /// Applies `batches` to `store`: wall and thread CPU time.
    private static func timedApply(_ batches: [IngestBatch], to store: inout ShardStore) throws -> (
        wall: Duration, cpu: Duration
    ) {
        let clock = ContinuousClock()
        let cpuStart = threadCPUTime()
        let started = clock.now
        for batch in batches {
            store.apply(try store.check(batch))
        }
        return (clock.now - started, threadCPUTime() - cpuStart)
    }

    private static func threadCPUTime() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }
}
