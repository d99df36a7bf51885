import TokenBoardWire

/// The board's reports assembled from their queries, once for every front end: `tokenboard top` and `GET /v1/top`
/// (and the employee view) print the same JSON because they are built here.
extension ClusterQueries {
    /// The top K with each row's tier and titles in the same window.
    public func topReport(_ query: TopQuery) async throws -> TopReport {
        let reply = try await top(query)
        // Tiers and titles of the same window, anchored on the day the board answered for.
        let tiers = try await tiers(
            TiersQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        let titles = try await titles(
            TitlesQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        return TopReport(
            reply: reply,
            window: query.window,
            metric: query.metric,
            tiers: tiers.cutoffs,
            titles: titles.holders
        )
    }

    /// One employee's usage, rank, tier, team standing, budgets and titles.
    public func employeeReport(_ query: EmployeeQuery) async throws -> EmployeeReport {
        let reply = try await employee(query)
        let tiers = try await tiers(
            TiersQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        let team = try await teams(
            TeamsQuery(
                window: query.window,
                anchor: reply.anchor,
                grouping: .team,
                metric: query.metric,
                employee: query.employee,
                allowPartial: query.allowPartial
            )
        )
        let titles = try await titles(
            TitlesQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        let budgets = try await budgets(BudgetsQuery(anchor: reply.anchor, allowPartial: query.allowPartial))
        return EmployeeReport(
            name: query.employee,
            reply: reply,
            window: query.window,
            metric: query.metric,
            tiers: tiers.cutoffs,
            standing: team.standing,
            budgets: budgets.lines,
            titles: titles.holders
        )
    }
}
