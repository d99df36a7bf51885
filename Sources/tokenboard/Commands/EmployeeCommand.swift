import ArgumentParser
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

struct EmployeeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "employee",
        abstract: "One employee's usage by model, tool and day, with their exact global rank, tier and team rank.",
        discussion: """
            Also shows the titles they hold, their team, org and manager from the coordinator's directory, their rank within the \
            team, and their own and their team's month-to-date cost against the monthly budgets configured.
            """
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The employee key (as it appears in the usage records).")
    var name: String

    @OptionGroup var ranking: MetricOption

    func validate() throws {
        guard !name.isEmpty && name.utf8.count <= 256 else { throw ValidationError("employee keys are 1 to 256 bytes") }
    }

    func run() async throws {
        let client = try await cluster.connect()
        do {
            let report = try await client.employeeReport(
                EmployeeQuery(
                    employee: name,
                    window: window.parsedWindow,
                    anchor: window.anchor,
                    metric: ranking.metric,
                    allowPartial: window.allowPartial
                )
            )
            try output.emit(report) { $0.render() }
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
