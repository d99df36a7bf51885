import TokenBoardCore
import TokenBoardWire

/// The cluster's state: `tokenboard status`.
public struct StatusReport: Codable, Sendable, Hashable {
    public struct Worker: Codable, Sendable, Hashable {
        public var id: String
        public var address: String?
        public var alive: Bool
        public var lastSeenMillisAgo: UInt64?
        public var slots: UInt32
        public var employees: UInt64?
        public var events: UInt64?
        public var cells: UInt64?
        public var oldestDay: String?
        public var newestDay: String?
        /// Bytes in the worker's write-ahead log.
        public var logBytes: UInt64?
        /// When the worker last wrote a snapshot (Unix ms), and how long ago that was; nil for never.
        public var lastSnapshotMillis: Int64?
        public var snapshotAgeSeconds: Int64?
        /// Keyed events the worker dropped as second deliveries.
        public var duplicateEvents: UInt64?

        enum CodingKeys: String, CodingKey {
            case id, address, alive, slots, employees, events, cells
            case logBytes = "log_bytes"
            case lastSnapshotMillis = "last_snapshot_ms"
            case snapshotAgeSeconds = "snapshot_age_s"
            case duplicateEvents = "duplicate_events"
            case lastSeenMillisAgo = "last_seen_ms_ago"
            case oldestDay = "oldest_day"
            case newestDay = "newest_day"
        }
    }

    public var coordinator: String
    public var coordinatorAddress: String
    public var mapVersion: UInt64
    public var slots: UInt32
    public var workersAlive: Int
    public var workers: [Worker]

    enum CodingKeys: String, CodingKey {
        case coordinator, slots, workers
        case coordinatorAddress = "coordinator_address"
        case mapVersion = "map_version"
        case workersAlive = "workers_alive"
    }

    /// The report of `reply`; snapshot ages are measured against `nowMillis` (Unix ms).
    public init(reply: StatusReply, coordinatorAddress: Endpoint, nowMillis: Int64) {
        coordinator = reply.coordinatorID
        self.coordinatorAddress = coordinatorAddress.description
        mapVersion = reply.mapVersion
        slots = reply.slotCount
        workersAlive = reply.workers.filter(\.alive).count
        workers = reply.workers.map { node in
            Worker(
                id: node.id,
                address: node.endpoint?.description,
                alive: node.alive,
                lastSeenMillisAgo: node.lastSeenMillisAgo,
                slots: node.slots,
                employees: node.stats?.employees,
                events: node.stats?.events,
                cells: node.stats?.cells,
                oldestDay: node.stats?.oldestDay?.description,
                newestDay: node.stats?.newestDay?.description,
                logBytes: node.stats?.logBytes,
                lastSnapshotMillis: node.stats.flatMap { $0.snapshotMillis > 0 ? $0.snapshotMillis : nil },
                snapshotAgeSeconds: node.stats.flatMap {
                    $0.snapshotMillis > 0 ? max(0, nowMillis - $0.snapshotMillis) / 1000 : nil
                },
                duplicateEvents: node.stats?.duplicateEvents
            )
        }
    }

    public func render() -> String {
        var table = TextTable(
            headers: [
                "worker", "address", "state", "last seen", "slots", "employees", "events", "log", "snapshot", "days",
            ],
            rightAligned: [3, 4, 5, 6, 7, 8]
        )
        for worker in workers {
            table.add([
                worker.id, worker.address ?? "-", worker.alive ? "alive" : "DOWN",
                worker.lastSeenMillisAgo.map { "\($0) ms ago" } ?? "never",
                String(worker.slots), worker.employees.map(Formatting.grouped) ?? "-",
                worker.events.map(Formatting.grouped) ?? "-",
                worker.logBytes.map(Formatting.bytes) ?? "-",
                worker.snapshotAgeSeconds.map { "\(Formatting.duration(seconds: $0)) ago" }
                    ?? (worker.alive ? "never" : "-"),
                worker.oldestDay.flatMap { old in worker.newestDay.map { "\(old)..\($0)" } } ?? "-",
            ])
        }
        var out = "coordinator \(coordinator) at \(coordinatorAddress), shard map v\(mapVersion), \(slots) slots, "
        out += "\(workersAlive)/\(workers.count) workers alive\n"
        return out + table.render()
    }
}
