import ArgumentParser
import TokenBoardClient

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the cluster's answers against a manifest; exit 1 on any difference.",
        discussion: """
            MANIFEST is the file `tokenboard gen` writes next to its log (or one `tokenboard manifest LOG` \
            computes). A manifest covers its whole log, so the cluster is asked over window `all` and must hold \
            exactly that log. Checked: the top 250 by tokens (each place's employee, tokens and cost), every \
            board employee's input, output, cache write, cache read, total, cost, unpriced tokens and rank, the \
            same for --sample employees from outside the board (spread evenly over the employees in key order, \
            the same ones every run), spend by model, and the company totals with the count of active \
            employees. Prints the first --show differences; --json prints them all counted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: "Manifest file (JSON).")
    var manifest: String

    @OptionGroup var verification: VerificationOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let loaded = try verification.loadManifest(manifest)
        let report = try await verification.verify(loaded, path: manifest, cluster: cluster)
        try output.emit(report) { $0.render() }
        if !report.ok { throw ExitCode.failure }
    }
}
