import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

/// What a worker needs to run.
public struct WorkerConfiguration: Sendable {
    public var id: String
    /// Where to listen; port 0 picks a free port, which is then registered with the coordinator.
    public var listen: Endpoint
    public var coordinator: Endpoint
    public var priceBook: PriceBook
    /// The map to serve under until the coordinator hands out its own.
    public var initialMap: ShardMap
    public var heartbeatInterval: Duration
    public var threads: Int

    public init(
        id: String,
        listen: Endpoint,
        coordinator: Endpoint,
        priceBook: PriceBook,
        initialMap: ShardMap,
        heartbeatInterval: Duration = .milliseconds(500),
        threads: Int = System.coreCount
    ) {
        self.id = id
        self.listen = listen
        self.coordinator = coordinator
        self.priceBook = priceBook
        self.initialMap = initialMap
        self.heartbeatInterval = heartbeatInterval
        self.threads = threads
    }

    /// The configuration of worker `id` of a topology.
    public init(topology: Topology, id: String, priceBook: PriceBook, threads: Int = System.coreCount) throws {
        guard let node = topology.worker(id: id) else {
            throw Topology.InvalidTopology(
                description:
                    "no worker '\(id)' in topology '\(topology.name)' (workers: \(topology.workers.map(\.id).joined(separator: ", ")))"
            )
        }
        self.init(
            id: id,
            listen: node.endpoint,
            coordinator: topology.coordinator.endpoint,
            priceBook: priceBook,
            initialMap: topology.initialShardMap,
            heartbeatInterval: .milliseconds(topology.heartbeatMillis),
            threads: threads
        )
    }
}

/// A worker node: serves its shard over protocol v1 and keeps itself registered with the coordinator.
public struct WorkerService: Service {
    public let configuration: WorkerConfiguration
    public let shard: Shard
    private let logger: Logger
    private let onListening: @Sendable (Endpoint) -> Void

    public init(
        configuration: WorkerConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Endpoint) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.shard = Shard(
            workerID: configuration.id,
            priceBook: configuration.priceBook,
            map: configuration.initialMap
        )
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        defer { group.shutdownGracefully { _ in } }
        let server = try await FrameServer.bind(
            host: configuration.listen.host,
            port: configuration.listen.port,
            group: group
        )
        logger.info("worker listening", metadata: ["id": "\(configuration.id)", "address": "\(server.endpoint)"])
        onListening(server.endpoint)
        let shard = self.shard
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await membership(advertising: server.endpoint) }
            try await server.serve(concurrency: .serial, logger: logger) { frame in shard.handle(frame) }
            group.cancelAll()
        }
        logger.info("worker stopped", metadata: ["id": "\(configuration.id)"])
    }

    /// Registers with the coordinator and heartbeats until cancelled, reconnecting whenever the coordinator is
    /// unreachable. Registration brings the coordinator's shard map; a heartbeat that reveals a newer map version
    /// triggers a new registration to fetch it.
    private func membership(advertising endpoint: Endpoint) async {
        var reportedFailure = false
        while !Task.isCancelled {
            do {
                let connection = try await Connection.connect(to: configuration.coordinator)
                do {
                    try await heartbeat(over: connection, advertising: endpoint) { reportedFailure = false }
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
            } catch  where Task.isCancelled {
                return
            } catch {
                if !reportedFailure {
                    logger.warning(
                        "coordinator unreachable; retrying",
                        metadata: ["coordinator": "\(configuration.coordinator)", "error": "\(error)"]
                    )
                    reportedFailure = true
                }
                try? await Task.sleep(for: configuration.heartbeatInterval)
            }
        }
    }

    /// Registers over `connection`, then heartbeats until cancelled or until the coordinator's map version
    /// differs from the one this worker serves (the caller then registers again to fetch it).
    private func heartbeat(
        over connection: Connection,
        advertising endpoint: Endpoint,
        registered: () -> Void
    ) async throws {
        let ack = try await connection.request(
            RegisterRequest(workerID: configuration.id, endpoint: endpoint, stats: shard.stats),
            expecting: RegisterAck.self,
            timeout: .seconds(5)
        )
        shard.adopt(ack.map)
        registered()
        logger.info(
            "registered with coordinator",
            metadata: ["coordinator": "\(configuration.coordinator)", "map": "v\(ack.map.version)"]
        )
        while !Task.isCancelled {
            try await Task.sleep(for: configuration.heartbeatInterval)
            let reply = try await connection.request(
                Heartbeat(workerID: configuration.id, stats: shard.stats),
                expecting: HeartbeatAck.self,
                timeout: .seconds(5)
            )
            if reply.mapVersion != shard.mapVersion { return }
        }
    }
}
