import ArgumentParser
import TokenBoardClient

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a deployment's files: the topology and the prices, board rules and directory it names.",
        discussion: """
            Loads each file exactly as the coordinator and the workers do at start and reports what it holds, or \
            every file that cannot be used and why; exits 1 if any cannot. Run it after editing a file and \
            before restarting a node. Nothing is contacted: the cluster may be down.
            """
    )

    @Option(name: .long, help: "Topology file naming the nodes, ports, prices and timings.")
    var config: String = "cluster/local.json"

    @OptionGroup var output: OutputOptions

    func run() throws {
        let report = ConfigCheckReport(topologyPath: config)
        try output.emit(report) { $0.render() }
        if !report.ok { throw ExitCode(1) }
    }
}
