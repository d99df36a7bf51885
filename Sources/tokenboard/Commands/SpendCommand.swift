import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

/// What `spend` groups by: the price book's models or providers, or the directory's teams or orgs.
enum SpendGrouping: String, CaseIterable, ExpressibleByArgument {
    case model, provider, team, org
}

struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend",
        abstract: "Company-wide tokens and list-price cost over a window, by model, provider, team or org.",
        discussion: """
            Costs are exact integer nano-dollars from the price book (cluster/prices.json). Models missing from \
            the price book are counted and listed as unpriced, never as $0. Teams and orgs come from the coordinator's \
            directory; employees it does not list are counted under "unassigned".
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("by"), help: "Group rows by model, provider, team or org.")
    var grouping: SpendGrouping = .model

    func run() async throws {
        let client = try await cluster.connect()
        do {
            switch grouping {
            case .model, .provider:
                let reply = try await client.totals(
                    TotalsQuery(window: window.parsedWindow, anchor: window.anchor, allowPartial: window.allowPartial)
                )
                let report = SpendReport(
                    reply: reply,
                    window: window.parsedWindow,
                    grouping: grouping == .model ? .model : .provider
                )
                try output.emit(report) { $0.render() }
            case .team, .org:
                let by: Grouping = grouping == .team ? .team : .org
                let reply = try await client.teams(
                    TeamsQuery(
                        window: window.parsedWindow,
                        anchor: window.anchor,
                        grouping: by,
                        metric: .cost,
                        allowPartial: window.allowPartial
                    )
                )
                try output.emit(GroupReport(reply: reply, window: window.parsedWindow, grouping: by, metric: .cost)) {
                    $0.render()
                }
            }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
