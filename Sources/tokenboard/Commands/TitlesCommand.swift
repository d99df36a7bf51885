import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

struct TitlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "titles",
        abstract: "Who holds each title over a window.",
        discussion: """
            Token Legend: rank 1 by tokens. Session Immortal: the longest single agent session by wall time \
            (first to last event of one session id; a session counts in the window its last event falls in). \
            Model Connoisseur: the most distinct models with at least the configured tokens each. Cache Wizard: \
            the highest cache-read share of tokens among employees with at least the configured volume. Ties \
            go to the employee key first in byte order. Thresholds: the "titles" section of the badges file \
            (docs/BOARD.md).
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try await cluster.connect()
        do {
            let reply = try await client.titles(
                TitlesQuery(window: window.parsedWindow, anchor: window.anchor, allowPartial: window.allowPartial)
            )
            try output.emit(TitleReport(reply: reply, window: window.parsedWindow)) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
