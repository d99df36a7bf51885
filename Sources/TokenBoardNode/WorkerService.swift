import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TokenBoardClient
import TokenBoardCore
import TokenBoardGateway
import TokenBoardHTTP
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
    /// Where the write-ahead log lives; nil keeps counters in memory only.
    public var dataDirectory: String?
    public var syncPolicy: SyncPolicy = .interval(.milliseconds(10))
    /// How often to snapshot a shard that changed (and so truncate its log).
    public var snapshotInterval: Duration = .seconds(60)
    /// Snapshot sooner once the log holds this many bytes.
    public var snapshotLogBytes: Int64 = 256 << 20
    /// Where to serve `/metrics`; nil serves no HTTP.
    public var http: Endpoint?
    /// How far past the worker's clock an event may be dated.
    public var futureLimit = FutureLimit.standard
    /// Whether past days' detail moves to a spill file in the data directory (see `SpillFile`); without a data
    /// directory everything stays in memory.
    public var spillPastDays = true
    /// Threads the shard applies a large batch on, 1 or 2 (see `ShardStore.applyThreads`); recovery applies the
    /// log's batches the same way.
    public var applyThreads = 1

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
        dataDirectory = topology.runDirectory + "/data/" + id
        http = node.httpEndpoint
    }
}

/// A worker node: serves its shard over protocol v1 and keeps itself registered with the coordinator.
public struct WorkerService: Service {
    public let configuration: WorkerConfiguration
    private let logger: Logger
    private let onListening: @Sendable (Endpoint, _ http: Endpoint?) -> Void

    /// `onListening` runs once every listener is bound, with the protocol-v1 and the HTTP addresses.
    public init(
        configuration: WorkerConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Endpoint, _ http: Endpoint?) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        // A file-size limit (ulimit -f) must fail a log write with EFBIG, which the client is told about, rather
        // than kill the worker that is still serving queries.
        signal(SIGXFSZ, SIG_IGN)
        Heap.keepLargeBlocksOutOfArenas()
        let shard = try recover()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        defer { group.shutdownGracefully { _ in } }
        let metrics = NodeMetrics()
        let gauges = WorkerGauges(registry: metrics.registry)
        let server = try await FrameServer.bind(
            host: configuration.listen.host,
            port: configuration.listen.port,
            group: group,
            metrics: metrics
        )
        logger.info("worker listening", metadata: ["id": "\(configuration.id)", "address": "\(server.endpoint)"])
        var http: HTTPServer?
        if let address = configuration.http {
            let endpoint = metrics.endpoint {
                gauges.update(shard.stats)
                gauges.update(spill: shard.spillFile)
            }
            http = try await HTTPServer.bind(
                host: address.host,
                port: address.port,
                group: group,
                responder: MetricsResponder(metrics: endpoint)
            )
            logger.info(
                "worker serving metrics",
                metadata: ["url": "http://\(http?.endpoint.description ?? "")/metrics"]
            )
        }
        onListening(server.endpoint, http?.endpoint)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await membership(advertising: server.endpoint, shard: shard) }
            if case .interval(let interval) = configuration.syncPolicy {
                group.addTask { await groupCommit(shard, every: interval) }
            }
            if configuration.dataDirectory != nil {
                group.addTask { await snapshots(of: shard) }
            }
            group.addTask { await upkeepWhenIdle(of: shard, gauges: gauges) }
            if let http { group.addTask { await http.run() } }
            try await server.serve(concurrency: .serial, logger: logger) { frame in
                let clock = ContinuousClock()
                let start = clock.now
                let reply = shard.handle(frame)
                metrics.observe(frame, took: clock.now - start)
                gauges.record(frame, reply: reply)
                return reply
            }
            group.cancelAll()
        }
        // Every connection has been drained: what the log holds is final, so a snapshot now makes the next
        // start-up a load instead of a replay.
        try? shard.syncLog()
        if configuration.dataDirectory != nil { snapshot(shard, reason: "shutdown") }
        logger.info("worker stopped", metadata: ["id": "\(configuration.id)"])
    }

    /// The shard as the data directory left it: the snapshot, then every later logged batch applied again.
    private func recover() throws -> Shard {
        guard let directory = configuration.dataDirectory else {
            logger.warning(
                "no data directory: counters are kept in memory only",
                metadata: ["id": "\(configuration.id)"]
            )
            var store = ShardStore(priceBook: configuration.priceBook)
            store.applyThreads = configuration.applyThreads
            return Shard(
                workerID: configuration.id,
                store: store,
                map: configuration.initialMap,
                log: nil,
                futureLimit: configuration.futureLimit
            )
        }
        let (store, log, summary) = try ShardRecovery.recover(
            directory: directory,
            priceBook: configuration.priceBook,
            policy: configuration.syncPolicy,
            spillPastDays: configuration.spillPastDays,
            applyThreads: configuration.applyThreads
        )
        if case .memory(let kind) = FileSystemMedium(path: directory) {
            logger.warning(
                "the data directory is on \(kind), in memory: its log and snapshots do not outlive the machine, and moving past days to the spill file frees no memory; put it on a disk",
                metadata: ["directory": "\(directory)"]
            )
        }
        if summary.log.truncatedTailBytes > 0 {
            logger.warning(
                "cut an incomplete last record off the write-ahead log (a write interrupted by a crash)",
                metadata: ["bytes": "\(summary.log.truncatedTailBytes)", "directory": "\(directory)"]
            )
        }
        var metadata: Logger.Metadata = [
            "snapshot": "none",
            "log_segments": "\(summary.log.segments)", "log_records": "\(summary.log.records)",
            "log_events": "\(summary.log.events)", "log_bytes": "\(summary.log.bytes)",
            "employees": "\(store.employeeCount)", "events": "\(store.eventCount)",
            "producers": "\(store.producers.count)", "took": "\(summary.elapsed)",
            "directory": "\(directory)", "fsync": "\(configuration.syncPolicy)",
        ]
        if let created = summary.snapshotCreatedMillis {
            let age = Double(Int64(Date().timeIntervalSince1970 * 1000) - created) / 1000
            metadata["snapshot"] = "\(summary.snapshotBytes) bytes, \(summary.snapshotEvents) events"
            metadata["snapshot_age_s"] = "\(String(format: "%.1f", age))"
        }
        logger.info("recovered", metadata: metadata)
        return Shard(
            workerID: configuration.id,
            store: store,
            map: configuration.initialMap,
            log: log,
            snapshotMillis: summary.snapshotCreatedMillis ?? 0,
            futureLimit: configuration.futureLimit
        )
    }

    /// Snapshots the shard whenever it changed and the interval passed, or sooner when the log grew past its
    /// bound, until cancelled.
    private func snapshots(of shard: Shard) async {
        let clock = ContinuousClock()
        var last = clock.now
        var lastBatches = shard.appliedBatches
        await repeating(every: min(configuration.snapshotInterval, .seconds(1))) {
            let due = clock.now - last >= configuration.snapshotInterval && shard.appliedBatches != lastBatches
            guard due || shard.logBytes >= configuration.snapshotLogBytes else { return }
            if let summary = snapshot(shard, reason: due ? "interval" : "log size") {
                lastBatches = summary.batches
            }
            last = clock.now
        }
    }

    /// Whenever ingest has paused for a tick (100 ms), and at least every 10 s under steady ingest, until
    /// cancelled: moves past days' detail to the spill file, if the store has one (the copies to the file then do
    /// not slow a burst of batches down, and memory stays bounded when batches never pause), and unmaps again the
    /// spill file's pages that batches, queries or a snapshot mapped. When ingest has paused, the unused pages at
    /// the end of the store's huge-page pools and the heap's free memory (a burst's batch buffers) go back to the
    /// system, once per pause, and the heap's again whenever something was moved or unmapped (a query's scratch
    /// arrays).
    private func upkeepWhenIdle(of shard: Shard, gauges: WorkerGauges) async {
        let clock = ContinuousClock()
        var lastMove = clock.now
        var lastBatches = shard.appliedBatches
        var poolsTrimmedAt: UInt64?
        await repeating(every: .milliseconds(100)) {
            let batches = shard.appliedBatches
            defer { lastBatches = batches }
            let paused = batches == lastBatches
            guard paused || clock.now - lastMove >= .seconds(10) else { return }
            let moved = shard.movePastDays()
            let unmapped = shard.unmapSpilledPages()
            let firstTickOfPause = paused && poolsTrimmedAt != batches
            if firstTickOfPause {
                shard.releaseUnusedPoolPages()
                gauges.countPoolTrim()
                poolsTrimmedAt = batches
            }
            if paused && (firstTickOfPause || moved > 0 || unmapped) { Heap.releaseFreeMemory() }
            lastMove = clock.now
        }
    }

    /// Calls `body` every `interval` until the task is cancelled.
    private func repeating(every interval: Duration, _ body: () -> Void) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            body()
        }
    }

    /// Writes a snapshot and logs the outcome; a failure (disk full) leaves the log in place, so nothing is lost.
    @discardableResult
    private func snapshot(_ shard: Shard, reason: String) -> SnapshotSummary? {
        do {
            guard let summary = try shard.writeSnapshot() else { return nil }
            logger.info(
                "snapshot written",
                metadata: [
                    "reason": "\(reason)", "bytes": "\(summary.fileBytes)", "employees": "\(summary.employees)",
                    "events": "\(summary.events)", "log_truncated_through": "\(summary.coveredSegment)",
                    "took": "\(summary.elapsed)",
                ]
            )
            return summary
        } catch {
            logger.error("snapshot failed; the write-ahead log is kept", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Syncs the log at most once per interval while batches arrive.
    private func groupCommit(_ shard: Shard, every interval: Duration) async {
        var reported = false
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try shard.syncLog()
                reported = false
            } catch is CancellationError {
                return
            } catch {
                if !reported { logger.error("write-ahead log sync failed", metadata: ["error": "\(error)"]) }
                reported = true
            }
        }
    }

    /// Registers with the coordinator and heartbeats until cancelled, reconnecting whenever the coordinator is
    /// unreachable. Registration brings the coordinator's shard map; a heartbeat that reveals a newer map version
    /// triggers a new registration to fetch it.
    private func membership(advertising endpoint: Endpoint, shard: Shard) async {
        var reportedFailure = false
        while !Task.isCancelled {
            do {
                let connection = try await Connection.connect(to: configuration.coordinator)
                do {
                    try await heartbeat(over: connection, advertising: endpoint, shard: shard) {
                        reportedFailure = false
                    }
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
        shard: Shard,
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
