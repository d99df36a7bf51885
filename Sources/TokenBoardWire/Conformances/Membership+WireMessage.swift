import NIOCore
import TokenBoardCore

// Cluster membership and status: registration, heartbeats, the shard map and node statistics.

/// workerID string, endpoint, stats.
extension RegisterRequest: WireMessage {
    public static var messageType: MessageType { .register }

    public init(from payload: inout ByteBuffer) throws {
        self.init(workerID: try payload.readWire(), endpoint: try payload.readWire(), stats: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(workerID)
        buffer.writeWire(endpoint)
        buffer.writeWire(stats)
    }
}

/// map.
extension RegisterAck: WireMessage {
    public static var messageType: MessageType { .registerAck }

    public init(from payload: inout ByteBuffer) throws {
        self.init(map: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(map)
    }
}

/// workerID string, stats.
extension Heartbeat: WireMessage {
    public static var messageType: MessageType { .heartbeat }

    public init(from payload: inout ByteBuffer) throws {
        self.init(workerID: try payload.readWire(), stats: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(workerID)
        buffer.writeWire(stats)
    }
}

/// mapVersion u64.
extension HeartbeatAck: WireMessage {
    public static var messageType: MessageType { .heartbeatAck }

    public init(from payload: inout ByteBuffer) throws {
        self.init(mapVersion: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(mapVersion)
    }
}

/// Empty payload.
extension ShardMapQuery: WireMessage {
    public static var messageType: MessageType { .shardMapQuery }
    public init(from payload: inout ByteBuffer) throws { self.init() }
    public func encode(into buffer: inout ByteBuffer) {}
}

/// map, endpoints as an array of (worker string, endpoint) sorted by worker, live as an array of strings.
extension ShardMapReply: WireMessage {
    public static var messageType: MessageType { .shardMapReply }

    public init(from payload: inout ByteBuffer) throws {
        let map: ShardMap = try payload.readWire()
        let count = try payload.readWireCount(minimumElementSize: 4 + Endpoint.minimumWireSize)
        var endpoints: [String: Endpoint] = [:]
        endpoints.reserveCapacity(count)
        for _ in 0..<count {
            let worker: String = try payload.readWire()
            let endpoint: Endpoint = try payload.readWire()
            guard endpoints.updateValue(endpoint, forKey: worker) == nil else {
                throw WireError.malformedPayload("endpoint of worker '\(worker)' appears twice")
            }
        }
        self.init(map: map, endpoints: endpoints, live: try payload.readWire())
    }

    /// Sorted so that equal replies encode to equal bytes (dictionary order varies per process).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(map)
        buffer.writeWireCount(endpoints.count)
        for (worker, endpoint) in endpoints.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            buffer.writeWire(worker)
            buffer.writeWire(endpoint)
        }
        buffer.writeWire(live)
    }
}

/// Empty payload.
extension StatsQuery: WireMessage {
    public static var messageType: MessageType { .statsQuery }
    public init(from payload: inout ByteBuffer) throws { self.init() }
    public func encode(into buffer: inout ByteBuffer) {}
}

/// nodeID string, stats, mapVersion u64.
extension StatsReply: WireMessage {
    public static var messageType: MessageType { .statsReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(nodeID: try payload.readWire(), stats: try payload.readWire(), mapVersion: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(nodeID)
        buffer.writeWire(stats)
        buffer.writeWire(mapVersion)
    }
}

/// Empty payload.
extension StatusQuery: WireMessage {
    public static var messageType: MessageType { .statusQuery }
    public init(from payload: inout ByteBuffer) throws { self.init() }
    public func encode(into buffer: inout ByteBuffer) {}
}

/// coordinatorID string, mapVersion u64, slotCount u32, workers [NodeStatus].
extension StatusReply: WireMessage {
    public static var messageType: MessageType { .statusReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            coordinatorID: try payload.readWire(),
            mapVersion: try payload.readWire(),
            slotCount: try payload.readWire(),
            workers: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(coordinatorID)
        buffer.writeMultipleIntegers(mapVersion, slotCount, endianness: .little)
        buffer.writeWire(workers)
    }
}

/// id string, endpoint Endpoint?, alive bool, lastSeenMillisAgo u64?, slots u32, stats ShardStats?.
extension NodeStatus: WireCodable {
    static var minimumWireSize: Int { 4 + 1 + 1 + 1 + 4 + 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            id: try buffer.readWire(),
            endpoint: try buffer.readWire(),
            alive: try buffer.readWire(),
            lastSeenMillisAgo: try buffer.readWire(),
            slots: try buffer.readWire(),
            stats: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(id)
        buffer.writeWire(endpoint)
        buffer.writeWire(alive)
        buffer.writeWire(lastSeenMillisAgo)
        buffer.writeWire(slots)
        buffer.writeWire(stats)
    }
}
