import Prometheus
import TokenBoardGateway
import TokenBoardWire

/// What every node exports at `/metrics`: its protocol-v1 traffic and how long it takes to answer each kind of
/// request; the worker and coordinator gauges hang off the same registry.
public final class NodeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let traffic: TrafficCounters
    private let requestDuration: [UInt8: DurationHistogram]
    private let otherDuration: DurationHistogram

    /// The request types whose latency is tracked by name; the rest count as `other`.
    private static let timed: [MessageType] = [
        .topQuery, .totalsQuery, .employeeQuery, .rankQuery, .statsQuery, .statusQuery, .ingest, .compactIngest,
        .register, .heartbeat, .shardMapQuery,
    ]

    public init() {
        traffic = TrafficCounters(registry: registry)
        let descriptor = MetricNameDescriptor.tokenboard(
            "request_duration",
            unit: "seconds",
            help: "Time to answer a protocol-v1 request, by request type (queries, ingest, membership)."
        )
        var byType: [UInt8: DurationHistogram] = [:]
        for type in Self.timed {
            byType[type.rawValue] = registry.makeDurationHistogram(
                descriptor: descriptor,
                labels: [("type", "\(type)")],
                buckets: MetricsEndpoint.latencyBuckets
            )
        }
        requestDuration = byType
        otherDuration = registry.makeDurationHistogram(
            descriptor: descriptor,
            labels: [("type", "other")],
            buckets: MetricsEndpoint.latencyBuckets
        )
    }

    /// Records how long a request took to answer.
    func observe(_ request: Frame, took duration: Duration) {
        (requestDuration[request.typeCode] ?? otherDuration).record(duration)
    }

    /// The `/metrics` endpoint: `refresh` brings the gauges up to date before each scrape.
    public func endpoint(refresh: @escaping @Sendable () async -> Void = {}) -> MetricsEndpoint {
        let traffic = self.traffic
        return MetricsEndpoint(registry: registry) {
            traffic.updateRatios()
            await refresh()
        }
    }
}
