import ArgumentParser
import Foundation
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The cluster's nodes: liveness, addresses, slots, employees, events, log size and last snapshot.",
        discussion: "With --wait N, waits (up to --wait-timeout seconds) until N workers are alive; exits 1 if not."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Wait until this many workers are alive.")
    var wait: Int?

    @Option(name: .customLong("wait-timeout"), help: "Seconds --wait may take.")
    var waitTimeout: Double = 30

    func run() async throws {
        let endpoint = try cluster.coordinatorEndpoint()
        let client = try await cluster.connect()
        do {
            let status: StatusReply
            var ready = true
            if let wait {
                (ready, status) = try await client.waitForWorkers(
                    wait,
                    within: .milliseconds(Int64(waitTimeout * 1000))
                )
            } else {
                status = try await client.status()
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try output.emit(StatusReport(reply: status, coordinatorAddress: endpoint, nowMillis: now)) {
                $0.render()
            }
            await client.close()
            if !ready { throw ExitCode(1) }
        } catch {
            await client.close()
            throw error
        }
    }
}
