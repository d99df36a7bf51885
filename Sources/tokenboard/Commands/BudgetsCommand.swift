import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

struct BudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budgets",
        abstract: "Who is over, or within 10% of, their monthly budget (employees and teams).",
        discussion: """
            Budgets are USD per calendar month (UTC), per employee or per team, in the "budgets" section of the \
            coordinator's badges file (docs/BOARD.md). Cost is list price, month to date through --as-of \
            (default: the newest day the cluster has seen). A team's cost is the sum of the members the \
            directory lists for it. Lines are "over" above the budget and "near" from 90% of it.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var output: OutputOptions

    @Option(
        name: .customLong("as-of"),
        help: "Last day counted (YYYY-MM-DD); the month is this day's month. Default: the newest day seen."
    )
    var asOf: String?

    @Flag(name: .long, help: "List every budget, not only those over or within 10%.")
    var all = false

    @Flag(name: .customLong("allow-partial"), help: "Answer from the shards that respond when some do not.")
    var allowPartial = false

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD; got '\(asOf)'") }
    }

    func run() async throws {
        let client = try await cluster.connect()
        do {
            let reply = try await client.budgets(
                BudgetsQuery(anchor: asOf.flatMap(Day.init(iso:)), allowPartial: allowPartial)
            )
            try output.emit(BudgetReport(reply: reply, all: all)) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
