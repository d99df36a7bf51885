import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

struct TiersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers",
        abstract: "Each tier's floor over a window and how many employees hold it.",
        discussion: """
            Tiers (bronze, silver, gold, platinum, emerald) come from the coordinator's board rules (the \
            topology's "badges" file; docs/BOARD.md): a percentile of the window's distribution, an absolute \
            floor, or both. The floors are exact: the coordinator searches them with per-shard counts.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try await cluster.connect()
        do {
            let reply = try await client.tiers(
                TiersQuery(window: window.parsedWindow, anchor: window.anchor, allowPartial: window.allowPartial)
            )
            try output.emit(TierReport(reply: reply, window: window.parsedWindow)) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
