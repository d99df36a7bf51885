import NIOCore
import TokenBoardCore
import TokenBoardWire

/// Where a replay gets the shard map and its connections to the workers, and what becomes of those connections
/// when it is done with them. `tokenboard replay` opens its own and closes them (`CoordinatorTransport`); a
/// long-running sender such as the HTTP gateway shares a few long-lived ones between replays
/// (`WorkerConnectionPool`).
public protocol ReplayTransport: Sendable {
    /// The cluster's current shard map, with the workers' addresses and which of them are live.
    func shardMap() async throws -> ShardMapReply

    /// A connection to `worker`, which the map places at `endpoint`. Requests are matched to replies by request
    /// id, so a connection may carry several replays' batches at once.
    func connection(to worker: String, at endpoint: Endpoint) async throws -> Connection

    /// Hands back a connection the replay no longer uses. `failed` says a request on it failed (closed, timed
    /// out), so it must not be handed out again.
    func release(_ connection: Connection, of worker: String, failed: Bool) async
}

/// A replay's own transport: the shard map asked of the coordinator over protocol v1, a new connection per
/// lane, and every connection closed when handed back.
public struct CoordinatorTransport: ReplayTransport {
    public let coordinator: Endpoint
    public let group: any EventLoopGroup
    public let limits: FrameLimits

    public init(coordinator: Endpoint, group: any EventLoopGroup, limits: FrameLimits = .default) {
        self.coordinator = coordinator
        self.group = group
        self.limits = limits
    }

    public func shardMap() async throws -> ShardMapReply {
        let client = try await ClusterClient.connect(to: coordinator, group: group)
        do {
            let reply = try await client.shardMap()
            await client.close()
            return reply
        } catch {
            await client.close()
            throw error
        }
    }

    public func connection(to worker: String, at endpoint: Endpoint) async throws -> Connection {
        try await Connection.connect(to: endpoint, group: group, limits: limits)
    }

    public func release(_ connection: Connection, of worker: String, failed: Bool) async {
        await connection.close()
    }
}
