import NIOCore
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

/// One reusable connection per worker, opened on first use and replaced when it closes or the worker moves.
actor WorkerPool {
    private var connections: [String: Connection] = [:]
    private let group: any EventLoopGroup

    init(group: any EventLoopGroup) {
        self.group = group
    }

    /// An open connection to `endpoint` for worker `id`.
    func connection(to id: String, at endpoint: Endpoint) async throws -> Connection {
        if let existing = connections[id], existing.isActive, existing.endpoint == endpoint {
            return existing
        }
        if let stale = connections.removeValue(forKey: id) { await stale.close() }
        let fresh = try await Connection.connect(to: endpoint, group: group, connectTimeout: .seconds(1))
        connections[id] = fresh
        return fresh
    }

    /// Drops a worker's connection (it moved or misbehaved).
    func forget(_ id: String) async {
        if let stale = connections.removeValue(forKey: id) { await stale.close() }
    }

    func closeAll() async {
        for connection in connections.values { await connection.close() }
        connections.removeAll()
    }
}
