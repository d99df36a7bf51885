import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

extension SpendReport.Grouping: ExpressibleByArgument {}

struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend",
        abstract: "Company-wide tokens and list-price cost over a window, by model or by provider.",
        discussion: """
            Costs are exact integer nano-dollars from the price book (cluster/prices.json). Models missing from
            the price book are counted and listed as unpriced, never as $0.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("by"), help: "Group rows by model or provider.")
    var grouping: SpendReport.Grouping = .model

    func run() async throws {
        let client = try await cluster.connect()
        do {
            let reply = try await client.totals(
                TotalsQuery(window: window.parsedWindow, anchor: window.anchor, allowPartial: window.allowPartial)
            )
            try output.emit(SpendReport(reply: reply, window: window.parsedWindow, grouping: grouping)) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
