import NIOCore
import Prometheus
import TokenBoardHTTP

/// `GET /metrics`: a node's registry in the Prometheus text format, with its gauges refreshed first.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Brings gauges that mirror other state (live workers, shard sizes) up to date before a scrape.
    public let refresh: @Sendable () async -> Void

    public init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void = {}) {
        self.registry = registry
        self.refresh = refresh
    }

    /// Latency buckets from half a millisecond to ten seconds, for every tokenboard latency histogram.
    public static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    func response() async -> Response {
        await refresh()
        return Response(
            status: .ok,
            headers: ["content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store"],
            body: ByteBuffer(bytes: registry.emitToBuffer())
        )
    }
}

/// The HTTP listener of a worker: `/metrics` and nothing else.
public struct MetricsResponder: Responder {
    public let metrics: MetricsEndpoint

    public init(metrics: MetricsEndpoint) { self.metrics = metrics }

    public func respond(to request: Request) async -> Response {
        guard request.pathSegments == ["metrics"] else { return APIError.notFound(request.path).response }
        guard request.method == .GET else { return APIError.methodNotAllowed(request.method, allowed: [.GET]).response }
        return await metrics.response()
    }
}

extension MetricNameDescriptor {
    /// A `tokenboard_NAME_UNIT` metric.
    public static func tokenboard(_ name: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tokenboard", metricName: name, unitName: unit, helpText: help)
    }
}
