import TokenBoardCore
import TokenBoardWire

/// Usage by team or org: `tokenboard top --by-team` and `tokenboard spend --by team|org`.
public struct GroupReport: Codable, Sendable, Hashable {
    public struct Row: Codable, Sendable, Hashable {
        public var rank: Int
        public var label: String
        /// Members active in the window.
        public var members: UInt64
        public var usage: UsageFigures
        /// Share of the company total of the ranking metric.
        public var share: Double
    }

    public var window: String
    public var anchor: String?
    /// `team` or `org`.
    public var groupedBy: String
    public var metric: String
    public var shards: CoverageReport
    /// Active employees the directory does not list; they count under "unassigned".
    public var unassignedEmployees: UInt64
    /// Employees the coordinator's directory lists (0: no directory loaded).
    public var directoryEmployees: UInt64
    /// The company total of the ranking metric (every group, listed or not).
    public var metricTotal: UInt64
    public var rows: [Row]

    enum CodingKeys: String, CodingKey {
        case window, anchor, metric, shards, rows
        case groupedBy = "by"
        case unassignedEmployees = "unassigned_employees"
        case directoryEmployees = "directory_employees"
        case metricTotal = "metric_total"
    }

    /// The first `limit` groups of `reply` (all when nil), in the reply's order.
    public init(reply: TeamsReply, window: Window, grouping: Grouping, metric: RankingMetric, limit: Int? = nil) {
        self.window = window.description
        anchor = reply.anchor?.description
        groupedBy = grouping.description
        self.metric = metric.description
        shards = CoverageReport(reply.coverage)
        unassignedEmployees = reply.unassignedEmployees
        directoryEmployees = reply.directoryEmployees
        let whole = reply.groups.reduce(UInt64(0)) { $0.saturatingAdd($1.summary.score(metric)) }
        metricTotal = whole
        rows = reply.groups.prefix(limit ?? reply.groups.count).enumerated().map { index, group in
            Row(
                rank: index + 1,
                label: group.summary.employee,
                members: group.members,
                usage: UsageFigures(
                    counts: group.summary.counts,
                    cost: group.summary.cost,
                    unpricedTokens: group.summary.unpricedTokens
                ),
                share: Formatting.share(group.summary.score(metric), of: whole)
            )
        }
    }

    public func render() -> String {
        var table = TextTable(
            headers: ["rank", groupedBy, "members", "tokens", "output", "cache read", "cost", "share"],
            rightAligned: [0, 2, 3, 4, 5, 6, 7]
        )
        for row in rows {
            table.add([
                String(row.rank), row.label, Formatting.grouped(row.members), Formatting.grouped(row.usage.tokens),
                Formatting.grouped(row.usage.output), Formatting.grouped(row.usage.cacheRead),
                Formatting.dollars(row.usage.costNanos), Formatting.percent(row.usage.score(metric), of: metricTotal),
            ])
        }
        var out = "By \(groupedBy), ranked by \(metric), window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        out += table.render()
        if directoryEmployees == 0 {
            out += "no directory loaded (topology \"directory\"): everyone is unassigned\n"
        } else {
            out +=
                "\(Formatting.grouped(unassignedEmployees)) active employees not in the directory count as unassigned\n"
        }
        return out
    }
}

extension UsageFigures {
    /// The figure a board ranks on, by metric name.
    func score(_ metric: String) -> UInt64 {
        switch metric {
        case "cost": return costNanos
        case "output": return output
        default: return tokens
        }
    }
}
