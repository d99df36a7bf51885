import Prometheus
import Synchronization
import TokenBoardHTTP

/// Requests the HTTP API answered, by route and status, and how long they took, by route.
final class HTTPMetrics: Sendable {
    /// The routes, as metric labels: the path templates of docs/API.md.
    enum Route: String, CaseIterable, Sendable {
        case top, spend, employee, tiers, titles, teams, budgets, status, events, metrics, page, other
    }

    private let registry: PrometheusCollectorRegistry
    private let durations: [Route: DurationHistogram]
    /// One counter per route and status seen, made on first use.
    private let requests = Mutex<[String: Counter]>([:])
    let ingestedEvents: Counter

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let duration = MetricNameDescriptor.tokenboard(
            "http_request_duration",
            unit: "seconds",
            help: "Time from a complete HTTP request to its response, by route."
        )
        var durations: [Route: DurationHistogram] = [:]
        for route in Route.allCases {
            durations[route] = registry.makeDurationHistogram(
                descriptor: duration,
                labels: [("route", route.rawValue)],
                buckets: MetricsEndpoint.latencyBuckets
            )
        }
        self.durations = durations
        ingestedEvents = registry.makeCounter(
            descriptor: .tokenboard(
                "http_ingested_events",
                unit: "total",
                help: "Events accepted through POST /v1/events (duplicates of a keyed retry not included)."
            )
        )
    }

    func record(_ route: Route, status: UInt, took duration: Duration) {
        durations[route]?.record(duration)
        let key = "\(route.rawValue) \(status)"
        let counter = requests.withLock { counters in
            if let known = counters[key] { return known }
            let made = registry.makeCounter(
                descriptor: .tokenboard(
                    "http_requests",
                    unit: "total",
                    help: "HTTP requests answered, by route and status."
                ),
                labels: [("route", route.rawValue), ("status", String(status))]
            )
            counters[key] = made
            return made
        }
        counter.increment()
    }
}
