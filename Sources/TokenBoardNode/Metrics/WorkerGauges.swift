import Prometheus
import TokenBoardCore
import TokenBoardGateway
import TokenBoardWire

/// A worker's ingest counters and the size of its shard.
final class WorkerGauges: Sendable {
    private let events: Counter
    private let duplicateEvents: Counter
    private let batches: Counter
    private let employees: Gauge
    private let storedEvents: Gauge
    private let cells: Gauge
    private let logBytes: Gauge
    private let spillBytes: Gauge
    private let spillCachedBytes: Gauge
    private let poolTrims: Counter

    init(registry: PrometheusCollectorRegistry) {
        events = registry.makeCounter(
            descriptor: .tokenboard("ingested_events", unit: "total", help: "Events applied to this shard since start.")
        )
        duplicateEvents = registry.makeCounter(
            descriptor: .tokenboard(
                "duplicate_events",
                unit: "total",
                help: "Events of resent numbered batches acknowledged without applying them again."
            )
        )
        batches = registry.makeCounter(
            descriptor: .tokenboard("ingested_batches", unit: "total", help: "Ingest batches applied since start.")
        )
        employees = registry.makeGauge(
            descriptor: .tokenboard("shard_employees", help: "Employees this shard holds counters for.")
        )
        storedEvents = registry.makeGauge(
            descriptor: .tokenboard("shard_events", help: "Events this shard holds, the write-ahead log's included.")
        )
        cells = registry.makeGauge(
            descriptor: .tokenboard("shard_cells", help: "Detail cells (employee, day, model, tool) in this shard.")
        )
        logBytes = registry.makeGauge(
            descriptor: .tokenboard("wal", unit: "bytes", help: "Size of this worker's write-ahead log.")
        )
        spillBytes = registry.makeGauge(
            descriptor: .tokenboard(
                "spill_file",
                unit: "bytes",
                help: "Past days' detail held in this worker's spill file (0 without one)."
            )
        )
        spillCachedBytes = registry.makeGauge(
            descriptor: .tokenboard(
                "spill_file_cached",
                unit: "bytes",
                help: "Of the spill file, the bytes in the kernel's page cache now (reclaimable, not the worker's own)."
            )
        )
        poolTrims = registry.makeCounter(
            descriptor: .tokenboard(
                "pool_trims",
                unit: "total",
                help:
                    "Pauses in ingest after which the unused pages at the end of the store's huge-page pools were given back."
            )
        )
    }

    /// Counts one giving back of the pools' unused pages (`Shard.releaseUnusedPoolPages`).
    func countPoolTrim() {
        poolTrims.increment()
    }

    /// Counts an answered ingest request from its acknowledgement.
    func record(_ request: Frame, reply: Frame) {
        guard request.messageType == .ingest || request.messageType == .compactIngest,
            let ack = try? IngestAck(reply: reply)
        else { return }
        if ack.duplicate {
            duplicateEvents.increment(by: Int64(ack.applied))
        } else {
            events.increment(by: Int64(ack.applied))
            batches.increment()
        }
    }

    func update(_ stats: ShardStats) {
        employees.set(Double(stats.employees))
        storedEvents.set(Double(stats.events))
        cells.set(Double(stats.cells))
        logBytes.set(Double(stats.logBytes))
    }

    func update(spill file: SpillFile?) {
        spillBytes.set(Double(file?.usage.bytes ?? 0))
        spillCachedBytes.set(Double(file?.cachedBytes ?? 0))
    }
}
