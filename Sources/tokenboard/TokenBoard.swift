import ArgumentParser
import TokenBoardNode

/// The `tokenboard` command: every node role and every query of a tokenboard cluster.
@main
struct TokenBoard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenboard",
        abstract: "Meter AI token use across a company: a sharded cluster with an exact global leaderboard.",
        discussion: """
            Run the roles:   tokenboard check --config cluster/local.json
                             tokenboard coordinator --config cluster/local.json
                             tokenboard worker --config cluster/local.json --id w1
            Query:           tokenboard top -k 250 --window 30d --by tokens
                             tokenboard spend --by model
                             tokenboard employee emp-00042
                             tokenboard tiers
                             tokenboard titles
                             tokenboard top --by-team
                             tokenboard budgets
                             tokenboard status
            Load:            tokenboard gen --out month.jsonl
                             tokenboard replay month.jsonl --verify month.manifest.json
            Real logs:       tokenboard import ~/.claude/projects/*/*.jsonl --employee alice@acme.com
                             tokenboard convert usage.jsonl -o usage.tblog
                             tokenboard manifest usage.tblog -o usage.manifest.json
                             tokenboard verify usage.manifest.json
            Queries find the coordinator through --coordinator HOST:PORT, $TOKENBOARD_COORDINATOR, or the
            topology file (--config, default cluster/local.json).
            """,
        version: "tokenboard 0.9.0 (wire protocol v1)",
        subcommands: [
            WorkerCommand.self, CoordinatorCommand.self, TopCommand.self, SpendCommand.self, EmployeeCommand.self,
            StatusCommand.self, TiersCommand.self, TitlesCommand.self, BudgetsCommand.self, GenCommand.self,
            ReplayCommand.self, BenchCommand.self, ImportCommand.self, ConvertCommand.self, ManifestCommand.self,
            VerifyCommand.self, CheckCommand.self,
        ]
    )

    /// Parses and runs the command; a worker's or a replay's heap is set up first, before any other thread
    /// allocates (`Heap.useOneArena`), which is before the arguments are parsed.
    static func main() async {
        switch CommandLine.arguments.dropFirst().first {
        case WorkerCommand.configuration.commandName:
            Heap.useOneArena()
        case ReplayCommand.configuration.commandName:
            Heap.useOneArena()
            Heap.keepFreedMemoryForReuse()
        default:
            break
        }
        await main(nil)
    }
}
