import ArgumentParser
import TokenBoardCore
import TokenBoardNode

struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: tracks workers and answers cluster queries by merging shard answers.",
        discussion: """
            Listens where the topology says (or --port). Once listening it prints one JSON line on standard
            output; logs go to standard error. SIGTERM or SIGINT stops it gracefully. Tier rules come from the
            topology's "badges" file (docs/BOARD.md); without one the shipped defaults apply. Teams come from
            its optional "directory" CSV (employee,team,org,manager); unlisted employees are "unassigned".
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "Listen on this port instead of the topology's (0 picks a free one).")
    var port: Int?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
    }

    func run() async throws {
        let logger = node.makeLogger(label: "tokenboard.coordinator")
        let topology = try Topology.load(path: node.config)
        var board = BoardConfig.defaults
        var directory = Directory()
        do throws(BoardConfigError) {
            if let path = topology.badges { board = try BoardConfig(contentsOf: path) }
            if let path = topology.directory { directory = try Directory(contentsOf: path) }
        } catch {
            throw CommandFailure(error.description)
        }
        var configuration = CoordinatorConfiguration(
            topology: topology,
            threads: node.threads,
            board: board,
            directory: directory
        )
        if let port { configuration.listen.port = port }
        let id = configuration.id
        let service = CoordinatorService(configuration: configuration, logger: logger) { endpoint in
            ReadyLine.announce(role: "coordinator", id: id, endpoint: endpoint)
        }
        try await node.run(service, logger: logger)
    }
}
