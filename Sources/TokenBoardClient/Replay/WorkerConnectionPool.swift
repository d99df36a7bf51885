import NIOCore
import TokenBoardCore
import TokenBoardWire

/// One long-lived connection per worker, shared by every replay that goes through the pool: a replay of a few
/// events then costs its batches, not a TCP handshake per worker plus a round trip for the shard map.
///
/// Connections are pipelined (replies are matched by request id), so concurrent replays share one without
/// waiting for each other. A connection is opened on first use and again when it has closed, when the map moves
/// its worker to another address, or when a replay hands it back as failed (a request on it timed out or the
/// worker went away); replays with batches in flight on a connection that is dropped see their requests fail and
/// resend them on the new one, as after any connection failure.
public actor WorkerConnectionPool: ReplayTransport {
    private let fetchMap: @Sendable () async throws -> ShardMapReply
    private let group: any EventLoopGroup
    private let limits: FrameLimits
    private let onConnect: @Sendable (String) -> Void
    /// Per worker: the connection being opened or opened.
    private var connections: [String: Task<Connection, any Error>] = [:]
    /// Per worker: the opened connection, so a failed one can be recognised without awaiting its task.
    private var opened: [String: Connection] = [:]

    /// A pool whose shard map comes from `shardMap` (in-process in the coordinator, so it is always the current
    /// one). `onConnect` runs with the worker's id for every connection opened, for metrics.
    public init(
        group: any EventLoopGroup,
        limits: FrameLimits = .default,
        onConnect: @escaping @Sendable (String) -> Void = { _ in },
        shardMap: @escaping @Sendable () async throws -> ShardMapReply
    ) {
        self.fetchMap = shardMap
        self.group = group
        self.limits = limits
        self.onConnect = onConnect
    }

    public func shardMap() async throws -> ShardMapReply {
        try await fetchMap()
    }

    public func connection(to worker: String, at endpoint: Endpoint) async throws -> Connection {
        while let pending = connections[worker] {
            switch await pending.result {
            case .success(let connection) where connection.isActive && connection.endpoint == endpoint:
                return connection
            case .success(let stale):
                // Another caller may have replaced it while this one waited: then try theirs.
                if connections[worker] == pending { forget(worker, closing: stale) }
            case .failure(let error):
                // A connect this caller joined failed: it fails this caller too, as its own would have.
                throw error
            }
        }
        let limits = self.limits
        let group = self.group
        let opening = Task { try await Connection.connect(to: endpoint, group: group, limits: limits) }
        connections[worker] = opening
        do {
            let connection = try await opening.value
            if connections[worker] == opening { opened[worker] = connection }
            onConnect(worker)
            return connection
        } catch {
            if connections[worker] == opening { connections[worker] = nil }
            throw error
        }
    }

    public func release(_ connection: Connection, of worker: String, failed: Bool) async {
        guard failed else { return }
        if opened[worker] === connection {
            forget(worker, closing: connection)
        } else {
            await connection.close()
        }
    }

    /// Closes every connection; replays still using them see their requests fail.
    public func closeAll() async {
        let all = Array(opened.values)
        opened = [:]
        connections = [:]
        for connection in all { await connection.close() }
    }

    private func forget(_ worker: String, closing connection: Connection) {
        connections[worker] = nil
        opened[worker] = nil
        // Closed without waiting, so the pool's state stays consistent across this call.
        Task { await connection.close() }
    }
}
