import ArgumentParser
import TokenBoardCore
import TokenBoardNode

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: owns a hash shard of employees and keeps their exact counters.",
        discussion: """
            The worker listens where the topology says (or --port), registers with the coordinator, and heartbeats.
            Once listening it prints one JSON line on standard output; logs go to standard error. SIGTERM or
            SIGINT stops it gracefully. Counters live in memory in this release: a restarted worker starts empty
            (write-ahead log and snapshots are tracked separately).
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "This worker's id in the topology.")
    var id: String

    @Option(name: .long, help: "Listen on this port instead of the topology's (0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Coordinator HOST:PORT instead of the topology's.")
    var coordinator: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let coordinator, Endpoint(coordinator) == nil { throw ValidationError("--coordinator must be HOST:PORT") }
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
        let id = self.id
        let service = WorkerService(configuration: configuration, logger: logger) { endpoint in
            ReadyLine.announce(role: "worker", id: id, endpoint: endpoint)
        }
        try await node.run(service, logger: logger)
    }
}
