import ArgumentParser
import Foundation
import TokenBoardCore
import TokenBoardGateway
import TokenBoardNode

struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator: tracks workers and answers cluster queries by merging shard answers.",
        discussion: """
            Listens where the topology says (or --port). Once listening it prints one JSON line on standard \
            output; logs go to standard error. SIGTERM or SIGINT stops it gracefully. Tier rules come from the \
            topology's "badges" file (docs/BOARD.md); without one the shipped defaults apply. Teams come from \
            its optional "directory" CSV (employee,team,org,manager); unlisted employees are "unassigned".

            With --http HOST:PORT (or an "http" address on the topology's coordinator) it also serves HTTP on \
            that port: HTTP/2 over cleartext with prior knowledge and HTTP/1.1, told apart by the first bytes. \
            The JSON API (docs/API.md): GET /v1/top, /v1/spend, /v1/employees/NAME, /v1/status, and \
            POST /v1/events (canonical JSONL, idempotent with an Idempotency-Key header); the web page at /; \
            Prometheus metrics at /metrics. Limits (the --http-* options): 16 KiB of request headers, 8 MiB \
            of body, 100 concurrent streams per connection, 10 s to send a request's headers, 60 s idle.
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "Listen on this port instead of the topology's (0 picks a free one).")
    var port: Int?

    @Option(
        name: .long,
        help: "Serve the HTTP API, the web page and /metrics on HOST:PORT (h2c and HTTP/1.1); overrides the topology's."
    )
    var http: String?

    @Option(
        name: .customLong("ingest-token-file"),
        help: ArgumentHelp(
            "Require Authorization: Bearer TOKEN on POST /v1/events, with a token listed in this file.",
            discussion: """
                One token per line (16 to 256 printable ASCII characters); # starts a comment. List two while \
                rotating. Without the option anyone who can reach the HTTP port can post events.
                """,
            valueName: "file"
        )
    )
    var ingestTokenFile: String?

    @OptionGroup(title: "HTTP limits") var httpLimits: HTTPLimitOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0...65535") }
        if let http, Endpoint(http) == nil { throw ValidationError("--http must be HOST:PORT, got '\(http)'") }
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
        if let http { configuration.http = Endpoint(http) }
        configuration.httpLimits = httpLimits.limits
        if let ingestTokenFile {
            let text: String
            do {
                text = try String(contentsOfFile: ingestTokenFile, encoding: .utf8)
            } catch {
                throw CommandFailure(
                    "cannot read --ingest-token-file \(ingestTokenFile): \(error.localizedDescription)"
                )
            }
            do throws(IngestTokensError) {
                configuration.ingestTokens = try IngestTokens(fileText: text, file: ingestTokenFile)
            } catch {
                throw CommandFailure(error.description)
            }
        }
        let id = configuration.id
        let service = CoordinatorService(configuration: configuration, logger: logger) { endpoint, http in
            ReadyLine.announce(role: "coordinator", id: id, endpoint: endpoint, http: http)
        }
        try await node.run(service, logger: logger)
    }
}
