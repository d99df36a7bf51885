import TokenBoardCore
import TokenBoardWire

/// The board's reports assembled from their queries, once for every front end: `tokenboard top` and `GET /v1/top`
/// (and the employee view) print the same JSON because they are built here.
extension ClusterQueries {
    /// The top K with each row's tier, titles and gaming signals in the same window. `adjusted` ranks with the
    /// flagged usage left out: it asks for the raw top K + F (F = flagged employees, see `AdjustedRanking`).
    public func topReport(_ query: TopQuery, adjusted: Bool = false) async throws -> TopReport {
        let signals = try await signals(
            SignalsQuery(window: query.window, anchor: query.anchor, allowPartial: query.allowPartial)
        )
        var raw = query
        // The same anchor for the board as for the signals, even if a newer day arrives in between.
        raw.anchor = signals.anchor ?? query.anchor
        if adjusted { raw.k = UInt32(clamping: UInt64(query.k) + UInt64(signals.flagged.count)) }
        let reply = try await top(raw)
        // Tiers and titles of the same window, anchored on the day the board answered for; they do not depend on
        // each other, so both fan-outs run at once.
        async let tierReply = tiers(
            TiersQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        async let titleReply = titles(
            TitlesQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        let (tiers, titles) = try await (tierReply, titleReply)
        return TopReport(
            reply: reply,
            window: query.window,
            metric: query.metric,
            tiers: tiers.cutoffs,
            titles: titles.holders,
            flagged: signals.flagged,
            adjusted: adjusted
                ? AdjustedRanking.rank(
                    reply.entries,
                    flagged: signals.flagged,
                    k: Int(query.k),
                    by: query.metric
                ) : nil
        )
    }

    /// One employee's usage, rank, tier, team standing, budgets and titles.
    public func employeeReport(_ query: EmployeeQuery) async throws -> EmployeeReport {
        let reply = try await employee(query)
        // Everything else is anchored on the day the lookup answered for, and the four fan-outs run at once.
        async let tierReply = tiers(
            TiersQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        async let teamReply = teams(
            TeamsQuery(
                window: query.window,
                anchor: reply.anchor,
                grouping: .team,
                metric: query.metric,
                employee: query.employee,
                allowPartial: query.allowPartial
            )
        )
        async let titleReply = titles(
            TitlesQuery(window: query.window, anchor: reply.anchor, allowPartial: query.allowPartial)
        )
        async let budgetReply = budgets(BudgetsQuery(anchor: reply.anchor, allowPartial: query.allowPartial))
        let (tiers, team, titles, budgets) = try await (tierReply, teamReply, titleReply, budgetReply)
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
