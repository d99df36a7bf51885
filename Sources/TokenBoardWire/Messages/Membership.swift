import TokenBoardCore

/// A worker announces itself to the coordinator with the address it actually listens on.
public struct RegisterRequest: Sendable, Hashable {
    public var workerID: String
    public var endpoint: Endpoint
    public var stats: ShardStats

    public init(workerID: String, endpoint: Endpoint, stats: ShardStats) {
        self.workerID = workerID
        self.endpoint = endpoint
        self.stats = stats
    }
}

/// The coordinator's current shard map, for the registering worker to serve under.
public struct RegisterAck: Sendable, Hashable {
    public var map: ShardMap

    public init(map: ShardMap) { self.map = map }
}

/// A worker's periodic liveness signal, with what it holds.
public struct Heartbeat: Sendable, Hashable {
    public var workerID: String
    public var stats: ShardStats

    public init(workerID: String, stats: ShardStats) {
        self.workerID = workerID
        self.stats = stats
    }
}

public struct HeartbeatAck: Sendable, Hashable {
    public var mapVersion: UInt64
    public init(mapVersion: UInt64) { self.mapVersion = mapVersion }
}

/// Ask the coordinator for the shard map and where each worker listens (what a producer needs to route).
public struct ShardMapQuery: Sendable, Hashable {
    public init() {}
}

public struct ShardMapReply: Sendable, Hashable {
    public var map: ShardMap
    /// Worker id to the address it registered; workers that never registered are absent.
    public var endpoints: [String: Endpoint]
    /// Workers heard from within the liveness timeout.
    public var live: [String]

    public init(map: ShardMap, endpoints: [String: Endpoint], live: [String]) {
        self.map = map
        self.endpoints = endpoints
        self.live = live
    }
}

/// Ask a worker what it holds.
public struct StatsQuery: Sendable, Hashable {
    public init() {}
}

public struct StatsReply: Sendable, Hashable {
    public var nodeID: String
    public var stats: ShardStats
    public var mapVersion: UInt64

    public init(nodeID: String, stats: ShardStats, mapVersion: UInt64) {
        self.nodeID = nodeID
        self.stats = stats
        self.mapVersion = mapVersion
    }
}

/// Ask the coordinator for the cluster's state.
public struct StatusQuery: Sendable, Hashable {
    public init() {}
}

public struct NodeStatus: Sendable, Hashable {
    public var id: String
    public var endpoint: Endpoint?
    public var alive: Bool
    /// Milliseconds since the coordinator last heard from the node; nil if never.
    public var lastSeenMillisAgo: UInt64?
    public var slots: UInt32
    /// What the node last reported holding; nil if never heard from.
    public var stats: ShardStats?

    public init(
        id: String,
        endpoint: Endpoint?,
        alive: Bool,
        lastSeenMillisAgo: UInt64?,
        slots: UInt32,
        stats: ShardStats?
    ) {
        self.id = id
        self.endpoint = endpoint
        self.alive = alive
        self.lastSeenMillisAgo = lastSeenMillisAgo
        self.slots = slots
        self.stats = stats
    }
}

public struct StatusReply: Sendable, Hashable {
    public var coordinatorID: String
    public var mapVersion: UInt64
    public var slotCount: UInt32
    public var workers: [NodeStatus]

    public init(coordinatorID: String, mapVersion: UInt64, slotCount: UInt32, workers: [NodeStatus]) {
        self.coordinatorID = coordinatorID
        self.mapVersion = mapVersion
        self.slotCount = slotCount
        self.workers = workers
    }
}
