import TokenBoardCore
import TokenBoardWire

extension Coordinator {
    /// Every employee active in the window with their totals, from every shard. Team sums need each member's
    /// totals and only the coordinator knows the teams, so this is the one board answer that moves every
    /// active employee (about 60 bytes each before LZ4) across the network.
    func activeEntries(window: Window, anchor: Day, map: ShardMap, allowPartial: Bool) async throws -> (
        entries: [RankedEmployee], coverage: Coverage
    ) {
        let result = await fanOut(
            EntriesQuery(window: window, anchor: anchor),
            expecting: EntriesReply.self,
            map: map
        )
        if !result.missing.isEmpty && !allowPartial { throw result.unavailableError(map: map) }
        return (result.replies.flatMap(\.reply.entries), result.coverage(map: map))
    }

    /// Usage by team or org, and where one employee stands in their team.
    func teams(_ query: TeamsQuery) async throws -> TeamsReply {
        let map = self.map
        let directorySize = UInt64(directory.members.count)
        let (resolved, search) = await resolveAnchor(query.anchor, map: map)
        guard let anchor = resolved else {
            return TeamsReply(
                groups: [],
                standing: nil,
                unassignedEmployees: 0,
                directoryEmployees: directorySize,
                anchor: nil,
                coverage: try nothingIngested(search, map: map, allowPartial: query.allowPartial)
            )
        }
        let (entries, coverage) = try await activeEntries(
            window: query.window,
            anchor: anchor,
            map: map,
            allowPartial: query.allowPartial
        )
        return TeamsReply(
            groups: directory.groups(of: entries, by: query.grouping, metric: query.metric),
            standing: query.employee.flatMap { directory.standing(of: $0, among: entries, metric: query.metric) },
            unassignedEmployees: UInt64(entries.filter { directory.member($0.employee) == nil }.count),
            directoryEmployees: directorySize,
            anchor: anchor,
            coverage: coverage
        )
    }

    /// Every configured budget against its month-to-date cost.
    func budgets(_ query: BudgetsQuery) async throws -> BudgetsReply {
        let map = self.map
        let (resolved, search) = await resolveAnchor(query.anchor, map: map)
        guard let anchor = resolved else {
            return BudgetsReply(
                lines: board.budgets.lines(entries: [], directory: directory),
                anchor: nil,
                coverage: try nothingIngested(search, map: map, allowPartial: query.allowPartial)
            )
        }
        let (entries, coverage) = try await activeEntries(
            window: Budgets.monthToDate(anchor),
            anchor: anchor,
            map: map,
            allowPartial: query.allowPartial
        )
        return BudgetsReply(
            lines: board.budgets.lines(entries: entries, directory: directory),
            anchor: anchor,
            coverage: coverage
        )
    }
}
