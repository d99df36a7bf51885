import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

/// Top-K latency through the coordinator: sequential queries after a warm-up, each timed from send to reply.
public struct QueryBenchmark: Sendable {
    public var coordinator: Endpoint
    public var queries: Int
    public var k: Int
    public var metric: RankingMetric

    public init(coordinator: Endpoint, queries: Int = 2000, k: Int = 250, metric: RankingMetric = .tokens) {
        self.coordinator = coordinator
        self.queries = queries
        self.k = k
        self.metric = metric
    }

    public func run() async throws -> [Measurement] {
        let client = try await ClusterClient.connect(to: coordinator)
        let query = TopQuery(k: UInt32(k), window: .days(30), anchor: nil, metric: metric)
        let clock = ContinuousClock()
        var employees: UInt64 = 0
        for _ in 0..<min(50, queries) {
            employees = try await client.top(query).totals.activeEmployees
        }
        var samples: [Duration] = []
        samples.reserveCapacity(queries)
        for _ in 0..<queries {
            let started = clock.now
            let reply = try await client.top(query)
            samples.append(clock.now - started)
            guard reply.entries.count == min(k, Int(reply.totals.activeEmployees)), !reply.coverage.isPartial else {
                throw BenchmarkError("incomplete answer: \(reply.entries.count) entries, \(reply.coverage)")
            }
        }
        // The same work with every answer computed afresh: each query asks for a different window length of at
        // least 30 days, which over a 30-day log covers the same days but is a different question, so no shard's
        // cache of recent answers can serve it.
        var uncached: [Duration] = []
        uncached.reserveCapacity(queries)
        for i in 0..<queries {
            var fresh = query
            fresh.window = .days(31 + i % 1000)
            let started = clock.now
            _ = try await client.top(fresh)
            uncached.append(clock.now - started)
        }
        await client.close()
        let latency = LatencySummary(samples: samples)
        let cold = LatencySummary(samples: uncached)
        let detail = "\(queries) sequential top-\(k) by \(metric), 30d, \(employees) employees, shard answers cached"
        let coldDetail = "\(queries) sequential top-\(k), windows 31d..1030d over the 30-day log, no shard cache hits"
        return [
            Measurement(name: "top\(k)_p50_ms", value: latency.p50.milliseconds, unit: "ms", detail: detail),
            Measurement(name: "top\(k)_p99_ms", value: latency.p99.milliseconds, unit: "ms", detail: detail),
            Measurement(name: "top\(k)_max_ms", value: latency.max.milliseconds, unit: "ms", detail: detail),
            Measurement(name: "top\(k)_uncached_p50_ms", value: cold.p50.milliseconds, unit: "ms", detail: coldDetail),
            Measurement(name: "top\(k)_uncached_p99_ms", value: cold.p99.milliseconds, unit: "ms", detail: coldDetail),
        ]
    }
}
