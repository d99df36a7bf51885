/// A team's or org's totals over a window: the sum of its active members.
public struct GroupUsage: Sendable, Hashable {
    /// The totals, with the group's name as `employee`.
    public var summary: RankedEmployee
    /// Members active in the window.
    public var members: UInt64

    public init(summary: RankedEmployee, members: UInt64) {
        self.summary = summary
        self.members = members
    }
}

/// One employee's place within their team over a window.
public struct TeamStanding: Sendable, Hashable {
    public var team: String
    public var org: String
    public var manager: String
    /// 1-based rank among the team's active members, by the query's metric (ties by employee key).
    public var rank: UInt64
    /// The team's active members.
    public var members: UInt64

    public init(team: String, org: String, manager: String, rank: UInt64, members: UInt64) {
        self.team = team
        self.org = org
        self.manager = manager
        self.rank = rank
        self.members = members
    }
}

extension Directory {
    /// Sums every active employee's totals into their group, best first by `metric` (ties by name).
    public func groups(of entries: [RankedEmployee], by grouping: Grouping, metric: RankingMetric) -> [GroupUsage] {
        var sums: [String: GroupUsage] = [:]
        for entry in entries {
            let name = group(of: entry.employee, by: grouping)
            sums[name, default: GroupUsage(summary: RankedEmployee(employee: name, counts: .zero, cost: 0), members: 0)]
                .add(entry)
        }
        return sums.values.sorted { RankedEmployee.ranksAhead($0.summary, $1.summary, by: metric) }
    }

    /// Where `employee` stands in their team among `entries` (every employee active in the window); nil when
    /// they are not active.
    public func standing(of employee: String, among entries: [RankedEmployee], metric: RankingMetric) -> TeamStanding? {
        guard let me = entries.first(where: { $0.employee == employee }) else { return nil }
        let team = group(of: employee, by: .team)
        let mates = entries.filter { group(of: $0.employee, by: .team) == team }
        let ahead = mates.filter { RankedEmployee.ranksAhead($0, me, by: metric) }.count
        let member = self.member(employee)
        return TeamStanding(
            team: team,
            org: member?.org ?? Self.unassigned,
            manager: member?.manager ?? "",
            rank: UInt64(ahead + 1),
            members: UInt64(mates.count)
        )
    }
}

extension GroupUsage {
    fileprivate mutating func add(_ entry: RankedEmployee) {
        summary.counts.add(entry.counts)
        summary.cost = summary.cost.saturatingAdd(entry.cost)
        summary.unpricedTokens = summary.unpricedTokens.saturatingAdd(entry.unpricedTokens)
        members += 1
    }
}
