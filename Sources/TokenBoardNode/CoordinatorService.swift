import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import TokenBoardClient
import TokenBoardCore
import TokenBoardGateway
import TokenBoardHTTP
import TokenBoardWire

/// What a coordinator needs to run.
public struct CoordinatorConfiguration: Sendable {
    public var id: String
    /// Where to listen; port 0 picks a free port.
    public var listen: Endpoint
    public var map: ShardMap
    public var livenessTimeout: Duration
    public var queryDeadline: Duration
    public var threads: Int
    /// Where to serve the HTTP API, the web page and `/metrics`; nil serves no HTTP.
    public var http: Endpoint?
    public var httpLimits = ServerLimits()
    /// The tokens `POST /v1/events` requires; nil accepts events from anyone who can reach the HTTP port.
    public var ingestTokens: IngestTokens?
    /// Tier rules and the rest of the board's configuration.
    public var board: BoardConfig
    /// Teams, orgs and managers (empty without a directory file).
    public var directory: Directory

    public init(
        id: String,
        listen: Endpoint,
        map: ShardMap,
        livenessTimeout: Duration = .seconds(2),
        queryDeadline: Duration = .seconds(2),
        threads: Int = System.coreCount,
        board: BoardConfig = .defaults,
        directory: Directory = Directory()
    ) {
        self.id = id
        self.board = board
        self.directory = directory
        self.listen = listen
        self.map = map
        self.livenessTimeout = livenessTimeout
        self.queryDeadline = queryDeadline
        self.threads = threads
    }

    /// The coordinator of a topology, with the board rules it names (loaded by the caller).
    public init(
        topology: Topology,
        threads: Int = System.coreCount,
        board: BoardConfig = .defaults,
        directory: Directory = Directory()
    ) {
        self.init(
            id: topology.coordinator.id,
            listen: topology.coordinator.endpoint,
            map: topology.initialShardMap,
            livenessTimeout: .milliseconds(topology.livenessTimeoutMillis),
            queryDeadline: .milliseconds(topology.queryDeadlineMillis),
            threads: threads,
            board: board,
            directory: directory
        )
        http = topology.coordinator.httpEndpoint
    }
}

/// The coordinator node: tracks workers and answers cluster queries over protocol v1.
public struct CoordinatorService: Service {
    public let configuration: CoordinatorConfiguration
    private let logger: Logger
    private let onListening: @Sendable (Endpoint, _ http: Endpoint?) -> Void

    /// `onListening` runs once every listener is bound, with the protocol-v1 and the HTTP addresses.
    public init(
        configuration: CoordinatorConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Endpoint, _ http: Endpoint?) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        defer { group.shutdownGracefully { _ in } }
        let coordinator = Coordinator(
            id: configuration.id,
            map: configuration.map,
            livenessTimeout: configuration.livenessTimeout,
            queryDeadline: configuration.queryDeadline,
            board: configuration.board,
            directory: configuration.directory,
            group: group,
            logger: logger
        )
        let metrics = NodeMetrics()
        let gauges = CoordinatorGauges(registry: metrics.registry, workerIDs: configuration.map.workers)
        let server = try await FrameServer.bind(
            host: configuration.listen.host,
            port: configuration.listen.port,
            group: group,
            metrics: metrics
        )
        logger.info(
            "coordinator listening",
            metadata: [
                "id": "\(configuration.id)", "address": "\(server.endpoint)",
                "workers": "\(configuration.map.workers.joined(separator: ","))",
            ]
        )
        let workerConnections = Self.workerConnections(for: coordinator, group: group, metrics: metrics)
        var http: HTTPServer?
        if let address = configuration.http {
            let responder = APIResponder(
                cluster: CoordinatorQueries(coordinator: coordinator),
                coordinatorAddress: server.endpoint,
                ingest: EventIngest(connections: workerConnections),
                ingestTokens: configuration.ingestTokens,
                metrics: metrics.endpoint { gauges.update(coordinator.membership.status(map: coordinator.map)) }
            )
            http = try await HTTPServer.bind(
                host: address.host,
                port: address.port,
                group: group,
                responder: responder,
                limits: configuration.httpLimits
            )
            logger.info("coordinator serving HTTP", metadata: ["url": "http://\(http?.endpoint.description ?? "")/"])
            if configuration.ingestTokens == nil {
                logger.warning(
                    "POST /v1/events takes events from anyone who can reach this port; give gateways a token with --ingest-token-file"
                )
            }
        }
        onListening(server.endpoint, http?.endpoint)
        try await withThrowingDiscardingTaskGroup { group in
            if let http { group.addTask { await http.run() } }
            try await server.serve(concurrency: .concurrent, logger: logger) { frame in
                let clock = ContinuousClock()
                let start = clock.now
                let reply = await coordinator.handle(frame)
                metrics.observe(frame, took: clock.now - start)
                return reply
            }
        }
        await workerConnections.closeAll()
        await coordinator.shutdown()
        logger.info("coordinator stopped", metadata: ["id": "\(configuration.id)"])
    }

    /// The gateway's connections to the workers: the shard map read in-process (always the coordinator's current
    /// one, so a changed map is seen by the next request), one long-lived connection per worker, and every
    /// connection opened counted at `/metrics`.
    private static func workerConnections(
        for coordinator: Coordinator,
        group: any EventLoopGroup,
        metrics: NodeMetrics
    ) -> WorkerConnectionPool {
        let descriptor = MetricNameDescriptor.tokenboard(
            "gateway_worker_connects",
            unit: "total",
            help: "Connections POST /v1/events opened to each worker (kept open and shared between requests)."
        )
        let counters = Dictionary(
            uniqueKeysWithValues: coordinator.map.workers.map {
                ($0, metrics.registry.makeCounter(descriptor: descriptor, labels: [("worker", $0)]))
            }
        )
        return WorkerConnectionPool(group: group, onConnect: { counters[$0]?.increment() }) {
            ShardMapReply(
                map: coordinator.map,
                endpoints: coordinator.membership.endpoints,
                live: coordinator.membership.live
            )
        }
    }
}
