import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardNode
import TokenBoardWire

struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "The global top K employees over a window, exact to the token and the nano-dollar.",
        discussion: """
            Ranks by total tokens (default), list-price cost, or output tokens; ties break by employee key. \
            Each row shows the employee's tier in the window (`tokenboard tiers` lists the floors) and the gaming \
            signals beside the rank: output per prompt token (out/in), cache-read share (cache), and flags — idle×N \
            for N idle-agent session runs, 24h×Nd for N days active around the clock (rules: docs/BOARD.md). \
            --adjusted ranks with the flagged usage left out and shows each row's raw rank and how far it moved. \
            --by-team ranks teams by the sum of their members instead. \
            Fails naming any shard that does not answer, unless --allow-partial.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .short, help: "How many employees to list.")
    var k: Int = 250

    @OptionGroup var ranking: MetricOption

    @Flag(
        name: .customLong("by-team"),
        help: "Rank teams (from the coordinator's directory) instead of employees; unlisted people are 'unassigned'."
    )
    var byTeam = false

    @Flag(help: "Rank with the usage the gaming signals flag left out; rows show their raw rank and the move.")
    var adjusted = false

    func validate() throws {
        guard k >= 1 && k <= Int(Coordinator.maxK) else {
            throw ValidationError("-k must be between 1 and \(Coordinator.maxK)")
        }
        guard !(adjusted && byTeam) else {
            throw ValidationError("--adjusted ranks employees; it cannot be used with --by-team")
        }
    }

    func run() async throws {
        let client = try await cluster.connect()
        do {
            if byTeam {
                let reply = try await client.teams(
                    TeamsQuery(
                        window: window.parsedWindow,
                        anchor: window.anchor,
                        grouping: .team,
                        metric: ranking.metric,
                        allowPartial: window.allowPartial
                    )
                )
                let report = GroupReport(
                    reply: reply,
                    window: window.parsedWindow,
                    grouping: .team,
                    metric: ranking.metric,
                    limit: k
                )
                try output.emit(report) { $0.render() }
                await client.close()
                return
            }
            let report = try await client.topReport(
                TopQuery(
                    k: UInt32(k),
                    window: window.parsedWindow,
                    anchor: window.anchor,
                    metric: ranking.metric,
                    allowPartial: window.allowPartial
                ),
                adjusted: adjusted
            )
            try output.emit(report) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
