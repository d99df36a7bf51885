import TokenBoardCore

/// In-process apply rate: ready-made batches applied to one `ShardStore`, with no I/O and no decoding.
public struct ApplyBenchmark: Sendable {
    public var employees: Int
    public var events: Int
    public var batchSize: Int

    /// How many in-process top-250 queries are timed after the apply.
    static let topRepetitions = 50

    public init(employees: Int = 100_000, events: Int = 5_000_000, batchSize: Int = 8192) {
        self.employees = employees
        self.events = events
        self.batchSize = batchSize
    }

    /// Applies every batch and returns the apply rate, the in-process top-250 time, and the store's heap
    /// growth per employee.
    public func run(priceBook: PriceBook) throws -> [Measurement] {
        let batches = try SyntheticLoad.batches(
            employees: employees,
            events: events,
            batchSize: batchSize,
            priceBook: priceBook
        )
        let rssBefore = ResidentMemory.current()
        var store = ShardStore(priceBook: priceBook)
        let clock = ContinuousClock()
        let started = clock.now
        for batch in batches {
            try store.apply(batch)
        }
        let elapsed = clock.now - started
        let rssAfter = ResidentMemory.current()
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
                value: Double(events) / max(elapsed.milliseconds / 1000, 1e-9),
                unit: "events/s",
                detail: "\(events) events, \(employees) employees, batches of \(batchSize), one core"
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
}
