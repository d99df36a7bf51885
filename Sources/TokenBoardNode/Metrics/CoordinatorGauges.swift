import Prometheus
import TokenBoardCore
import TokenBoardGateway
import TokenBoardWire

/// The cluster as the coordinator sees it from heartbeats: live workers and the size of each shard.
final class CoordinatorGauges: Sendable {
    private let live: Gauge
    private let workers: Gauge
    private let employees: [String: Gauge]
    private let events: [String: Gauge]

    init(registry: PrometheusCollectorRegistry, workerIDs: [String]) {
        live = registry.makeGauge(
            descriptor: .tokenboard("workers_live", help: "Workers heard from within the liveness timeout.")
        )
        workers = registry.makeGauge(descriptor: .tokenboard("workers", help: "Workers in the shard map."))
        let employeeMetric = MetricNameDescriptor.tokenboard(
            "shard_employees",
            help: "Employees each shard holds, as of its last heartbeat."
        )
        let eventMetric = MetricNameDescriptor.tokenboard(
            "shard_events",
            help: "Events each shard holds, as of its last heartbeat."
        )
        var employees: [String: Gauge] = [:]
        var events: [String: Gauge] = [:]
        for id in workerIDs {
            employees[id] = registry.makeGauge(descriptor: employeeMetric, labels: [("worker", id)])
            events[id] = registry.makeGauge(descriptor: eventMetric, labels: [("worker", id)])
        }
        self.employees = employees
        self.events = events
    }

    func update(_ nodes: [NodeStatus]) {
        workers.set(Double(nodes.count))
        live.set(Double(nodes.filter(\.alive).count))
        for node in nodes {
            employees[node.id]?.set(Double(node.stats?.employees ?? 0))
            events[node.id]?.set(Double(node.stats?.events ?? 0))
        }
    }
}
