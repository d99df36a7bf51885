import TokenBoardCore
import TokenBoardWire

/// One employee: `tokenboard employee NAME`.
public struct EmployeeReport: Codable, Sendable, Hashable {
    public struct Row: Codable, Sendable, Hashable {
        public var label: String
        public var usage: UsageFigures
    }

    public var employee: String
    public var window: String
    public var anchor: String?
    public var metric: String
    /// False when the employee has no usage in the window.
    public var found: Bool
    public var rank: UInt64?
    public var activeEmployees: UInt64
    /// Share of active employees ranked behind this one, 0…100.
    public var percentile: Double?
    /// Their tier in the window, when tiers were asked for (nil below every floor).
    public var tier: String?
    /// Their team standing (team, org, manager, rank within the team), when asked for and active.
    public var team: TeamFigures?
    /// Their own budget and their team's, month to date (absent when none is configured).
    public var budgets: [BudgetReport.Line]
    /// The titles they hold in the window.
    public var titles: [String]
    public var shards: CoverageReport
    public var usage: UsageFigures?
    public var byModel: [Row]
    public var byTool: [Row]
    public var byDay: [Row]

    enum CodingKeys: String, CodingKey {
        case employee, window, anchor, metric, found, rank, percentile, shards, usage, tier, team, budgets, titles
        case activeEmployees = "active_employees"
        case byModel = "by_model"
        case byTool = "by_tool"
        case byDay = "by_day"
    }

    /// The report of `reply`; with `tiers` (the same window's floors) it also shows the employee's tier.
    public init(
        name: String,
        reply: EmployeeReply,
        window: Window,
        metric: RankingMetric,
        tiers: TierCutoffs? = nil,
        standing: TeamStanding? = nil,
        budgets: [BudgetLine] = [],
        titles: [TitleHolder] = []
    ) {
        self.titles = titles.filter { $0.employee == name }.map(\.title.description)
        team = standing.map(TeamFigures.init)
        self.budgets = budgets.filter {
            ($0.scope == .employee && $0.name == name) || ($0.scope == .team && $0.name == standing?.team)
        }.map(BudgetReport.Line.init)
        employee = name
        self.window = window.description
        anchor = reply.anchor?.description
        self.metric = metric.description
        shards = CoverageReport(reply.coverage)
        activeEmployees = reply.activeEmployees
        func rows(_ list: [LabeledUsage]) -> [Row] {
            list.map {
                Row(
                    label: $0.label,
                    usage: UsageFigures(
                        counts: $0.counts,
                        cost: $0.cost,
                        unpricedTokens: $0.priced ? 0 : $0.counts.total
                    )
                )
            }
        }
        if let usage = reply.usage {
            found = true
            rank = reply.rank
            percentile =
                reply.activeEmployees > 0
                ? Double(reply.activeEmployees - reply.rank) / Double(reply.activeEmployees) * 100 : nil
            self.usage = UsageFigures(
                counts: usage.summary.counts,
                cost: usage.summary.cost,
                unpricedTokens: usage.summary.unpricedTokens
            )
            tier = tiers?.tier(of: usage.summary)?.description
            byModel = rows(usage.byModel)
            byTool = rows(usage.byTool)
            byDay = rows(usage.byDay)
        } else {
            found = false
            byModel = []
            byTool = []
            byDay = []
        }
    }

    public func render() -> String {
        guard found, let usage, let rank else {
            return "\(employee): no usage in window \(window)" + (anchor.map { " ending \($0)" } ?? "") + "\n"
        }
        var out = "\(employee) — window \(window)" + (anchor.map { " ending \($0)" } ?? "") + " — \(shards.line)\n"
        out += "rank \(Formatting.grouped(rank)) of \(Formatting.grouped(activeEmployees)) by \(metric)"
        if let percentile { out += " (ahead of \(String(format1(percentile)))% of active employees)" }
        if let tier { out += ", tier \(tier)" }
        if !titles.isEmpty { out += "\ntitles: \(titles.joined(separator: ", "))" }
        if let team {
            out += "\nteam \(team.team) (org \(team.org)\(team.manager.isEmpty ? "" : ", manager " + team.manager))"
            out += ": rank \(Formatting.grouped(team.rank)) of \(Formatting.grouped(team.members)) by \(metric)"
        }
        for line in budgets {
            out +=
                "\n\(line.scope) budget: \(Formatting.dollars(line.costNanos)) of \(Formatting.dollars(line.budgetNanos))"
            out += " this month (\(Formatting.percent(line.costNanos, of: line.budgetNanos)), \(line.status.rawValue))"
        }
        out += "\n\(Formatting.grouped(usage.tokens)) tokens, \(Formatting.dollars(usage.costNanos))"
        out += " (input \(Formatting.grouped(usage.input)), output \(Formatting.grouped(usage.output)),"
        out +=
            " cache write \(Formatting.grouped(usage.cacheWrite)), cache read \(Formatting.grouped(usage.cacheRead)))\n"
        for (title, list) in [("model", byModel), ("tool", byTool), ("day", byDay)] {
            var table = TextTable(headers: [title, "tokens", "output", "cost"], rightAligned: [1, 2, 3])
            for row in list {
                table.add([
                    row.label.isEmpty ? "(none)" : row.label, Formatting.grouped(row.usage.tokens),
                    Formatting.grouped(row.usage.output),
                    row.usage.unpricedTokens > 0 && row.usage.costNanos == 0
                        ? "unpriced" : Formatting.dollars(row.usage.costNanos),
                ])
            }
            out += "\n" + table.render()
        }
        return out
    }

    private func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// An employee's place in their team, as printed and as JSON.
public struct TeamFigures: Codable, Sendable, Hashable {
    public var team: String
    public var org: String
    public var manager: String
    /// 1-based rank within the team by the report's metric.
    public var rank: UInt64
    /// The team's active members.
    public var members: UInt64

    public init(_ standing: TeamStanding) {
        team = standing.team
        org = standing.org
        manager = standing.manager
        rank = standing.rank
        members = standing.members
    }
}
