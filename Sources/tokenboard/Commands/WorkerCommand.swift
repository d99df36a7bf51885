import ArgumentParser
import NIOCore
import TokenBoardCore
import TokenBoardNode

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: owns a hash shard of employees and keeps their exact counters.",
        discussion: """
            The worker listens where the topology says (or --port), registers with the coordinator, and heartbeats. \
            Once listening it prints one JSON line on standard output; logs go to standard error. SIGTERM or \
            SIGINT stops it gracefully.

            Every batch is appended to a write-ahead log in the data directory (default RUN_DIR/data/ID) before it \
            is applied and acknowledged, so a killed worker (even kill -9) comes back with every acknowledged event. \
            --fsync chooses what a power failure can lose: always (nothing acknowledged), interval (the default, \
            synced every 10 ms: the last 10 ms of acknowledged batches), never (whatever the kernel had not written \
            back, typically up to 30 s).

            The worker snapshots its counters (snapshot.tbs: written to a temporary file, synced, renamed) every \
            --snapshot-interval seconds when something changed, sooner when the log passes --snapshot-log-mb, and on \
            SIGTERM after draining its connections; each snapshot deletes the log segments it covers. Start-up loads \
            the snapshot and replays the log written after it, and logs what it found (snapshot age, records \
            replayed, time taken). A torn last log record (a crash mid-write) is reported and cut off; damage \
            anywhere else stops start-up with an error naming the file and offset.

            Numbered batches (a producer id and a sequence per worker, as the replayer sends them) are applied once: \
            a resent batch is acknowledged as a duplicate. Events that carry an id are also de-duplicated: the \
            worker remembers the ids of at least its latest 131,072 keyed events and up to 262,144 (4 MiB), and \
            drops a second delivery within that window. If the log cannot be written (disk full, read-only disk), ingest fails \
            with a storage error to the client and queries go on being served.

            Past days' detail (cells, session runs, day columns of days before yesterday) is moved, whenever \
            ingest pauses, to a scratch file in the data directory and mapped back: the kernel keeps it in its \
            page cache and reads it in when a query needs it, and what a query or a late event mapped in is \
            unmapped again when the worker is idle, so the worker's own memory holds little more than the \
            current days (its metrics report the file's size and page cache). The file is \
            deleted as soon as it is opened and is not part of the worker's record (the log and snapshots are). \
            --past-days-in-memory keeps everything in the worker's memory instead. The pools that ingest reads \
            at random (cells, session runs) use 2 MiB pages where the kernel grants them; when ingest pauses, \
            the pages past their ends that nothing has used yet are given back.

            A batch of 4,096 events or more is applied on two threads (--apply-threads): the employees, then the \
            cells on one; the event ids, then the session runs on the other; the day columns shared out between \
            them by runs of whole employees; with the same result as on one.

            A batch with an event dated more than --max-future-days after the worker's clock is refused whole \
            (nothing of it logged or applied): the board's default day is the newest day seen, so one event from a \
            machine whose clock is years ahead would otherwise empty every window.
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "This worker's id in the topology.")
    var id: String

    @Option(name: .long, help: "Listen on this port instead of the topology's (0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Coordinator HOST:PORT instead of the topology's.")
    var coordinator: String?

    @Option(
        name: .long,
        help:
            "Data directory for the write-ahead log, snapshots and spill file (default: RUN_DIR/data/ID from the topology); keep it on a disk: a tmpfs one is warned about."
    )
    var data: String?

    @Option(name: .long, help: "When the log reaches the disk: always, interval (every 10 ms), interval:Nms, or never.")
    var fsync: String = "interval"

    @Flag(name: .customLong("in-memory"), help: "Keep no log: a restarted worker starts empty.")
    var inMemory = false

    @Option(name: .customLong("snapshot-interval"), help: "Seconds between snapshots of a changed shard.")
    var snapshotInterval: Double = 60

    @Option(name: .customLong("snapshot-log-mb"), help: "Snapshot sooner once the log holds this many MiB.")
    var snapshotLogMB: Int = 256

    @Option(name: .long, help: "Serve Prometheus metrics at http://HOST:PORT/metrics (overrides the topology's).")
    var http: String?

    @Flag(
        name: .customLong("past-days-in-memory"),
        help: "Keep past days' detail in the worker's memory instead of a spill file in the data directory."
    )
    var pastDaysInMemory = false

    @Option(
        name: .customLong("max-future-days"),
        help: "Refuse batches with an event dated more than this many days after the worker's clock (0 to 36500)."
    )
    var maxFutureDays: Int = FutureLimit.standard.days

    @Option(
        name: .customLong("apply-threads"),
        help: """
            Threads a batch of \(ShardStore.minimumEventsForTwoThreads) events or more is applied on: 1, or 2 (the \
            cells on one, the event ids and session runs on the other, the day columns on both). Default: 2 on a \
            machine with two cores or more.
            """
    )
    var applyThreads: Int = System.coreCount >= 2 ? 2 : 1

    func validate() throws {
        guard (1...2).contains(applyThreads) else { throw ValidationError("--apply-threads must be 1 or 2") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let coordinator, Endpoint(coordinator) == nil { throw ValidationError("--coordinator must be HOST:PORT") }
        if let http, Endpoint(http) == nil { throw ValidationError("--http must be HOST:PORT, got '\(http)'") }
        guard SyncPolicy(fsync) != nil else {
            throw ValidationError("--fsync must be always, interval, interval:Nms (1-10000) or never; got '\(fsync)'")
        }
        guard snapshotInterval >= 0.1 && snapshotInterval <= 86400 else {
            throw ValidationError("--snapshot-interval must be 0.1 to 86400 seconds")
        }
        guard (1...1_048_576).contains(snapshotLogMB) else {
            throw ValidationError("--snapshot-log-mb must be 1 to 1048576")
        }
        guard (0...FutureLimit.maxDays).contains(maxFutureDays) else {
            throw ValidationError("--max-future-days must be 0 to \(FutureLimit.maxDays)")
        }
    }

    func run() async throws {
        let logger = node.makeLogger(label: "tokenboard.worker.\(id)")
        let topology = try Topology.load(path: node.config)
        let prices = try PriceBook(contentsOf: topology.prices)
        var configuration = try WorkerConfiguration(
            topology: topology,
            id: id,
            priceBook: prices,
            threads: node.threads
        )
        if let port { configuration.listen.port = port }
        if let coordinator, let endpoint = Endpoint(coordinator) { configuration.coordinator = endpoint }
        if let data { configuration.dataDirectory = data }
        if inMemory { configuration.dataDirectory = nil }
        configuration.syncPolicy = SyncPolicy(fsync) ?? .interval(.milliseconds(10))
        configuration.snapshotInterval = .milliseconds(Int64(snapshotInterval * 1000))
        configuration.snapshotLogBytes = Int64(snapshotLogMB) << 20
        if let http { configuration.http = Endpoint(http) }
        configuration.futureLimit = FutureLimit(days: maxFutureDays)
        configuration.spillPastDays = !pastDaysInMemory
        configuration.applyThreads = applyThreads
        let id = self.id
        let service = WorkerService(configuration: configuration, logger: logger) { endpoint, http in
            ReadyLine.announce(role: "worker", id: id, endpoint: endpoint, http: http)
        }
        try await node.run(service, logger: logger)
    }
}
