import ArgumentParser
import Logging
import NIOCore
import ServiceLifecycle

/// Options every long-running role shares.
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "Topology file naming the nodes, ports, prices and timings.")
    var config: String = "cluster/local.json"

    @Option(name: .long, help: "Event-loop threads (default: one per core).")
    var threads: Int = System.coreCount

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
    }

    /// Sends logs to standard error (standard output carries only the machine-readable ready line).
    func makeLogger(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }

    /// Runs a node's service until SIGTERM or SIGINT: graceful shutdown first, cancellation if that takes
    /// longer than 10 seconds.
    func run(_ service: some Service, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [service],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        try await ServiceGroup(configuration: configuration).run()
    }
}
