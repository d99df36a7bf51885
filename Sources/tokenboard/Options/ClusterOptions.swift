import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore

/// How a query finds the cluster.
struct ClusterOptions: ParsableArguments {
    @Option(name: .long, help: "Topology file; its coordinator address is used unless --coordinator is given.")
    var config: String = "cluster/local.json"

    @Option(
        name: .long,
        help: "Coordinator address HOST:PORT (overrides the topology file and $TOKENBOARD_COORDINATOR)."
    )
    var coordinator: String?

    @Option(name: .long, help: "Seconds to wait for each reply.")
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0 && timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0 and 3600 seconds")
        }
        if let coordinator, Endpoint(coordinator) == nil {
            throw ValidationError("--coordinator must be HOST:PORT, got '\(coordinator)'")
        }
    }

    /// The coordinator's address.
    func coordinatorEndpoint() throws -> Endpoint {
        if let coordinator, let endpoint = Endpoint(coordinator) { return endpoint }
        if let fromEnvironment = ProcessInfo.processInfo.environment["TOKENBOARD_COORDINATOR"] {
            guard let endpoint = Endpoint(fromEnvironment) else {
                throw CommandFailure("TOKENBOARD_COORDINATOR must be HOST:PORT, got '\(fromEnvironment)'")
            }
            return endpoint
        }
        guard FileManager.default.fileExists(atPath: config) else {
            throw CommandFailure(
                "no coordinator address: pass --coordinator HOST:PORT or --config FILE (\(config) does not exist)"
            )
        }
        return try Topology.load(path: config).coordinator.endpoint
    }

    /// A connected client; the caller closes it.
    func connect() async throws -> ClusterClient {
        try await ClusterClient.connect(to: coordinatorEndpoint(), timeout: .milliseconds(Int64(timeout * 1000)))
    }
}
