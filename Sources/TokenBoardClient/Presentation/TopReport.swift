import TokenBoardCore
import TokenBoardWire

/// The board: `tokenboard top`.
public struct TopReport: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var rank: Int
        public var employee: String
        public var usage: UsageFigures
        /// This employee's share of the company total of the ranking metric.
        public var share: Double
        /// Their tier in the window, when tiers were asked for (nil below every floor).
        public var tier: String?
        /// The titles they hold in the window.
        public var titles: [String]

        enum CodingKeys: String, CodingKey {
            case rank, employee, usage, share, tier, titles
        }
    }

    public var window: String
    public var anchor: String?
    public var metric: String
    public var shards: CoverageReport
    public var company: UsageFigures
    public var activeEmployees: UInt64
    public var entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case window, anchor, metric, shards, company, entries
        case activeEmployees = "active_employees"
    }

    /// The board of `reply`; with `tiers` (the same window's floors) each row also shows its tier, and with
    /// `titles` (the window's holders) the titles it holds.
    public init(
        reply: TopReply,
        window: Window,
        metric: RankingMetric,
        tiers: TierCutoffs? = nil,
        titles: [TitleHolder] = []
    ) {
        self.window = window.description
        anchor = reply.anchor?.description
        self.metric = metric.description
        shards = CoverageReport(reply.coverage)
        company = UsageFigures(
            counts: reply.totals.counts,
            cost: reply.totals.cost,
            unpricedTokens: reply.totals.unpricedTokens
        )
        activeEmployees = reply.totals.activeEmployees
        let whole: UInt64
        switch metric {
        case .tokens: whole = reply.totals.tokens
        case .cost: whole = reply.totals.cost
        case .output: whole = reply.totals.counts.output
        }
        entries = reply.entries.enumerated().map { index, ranked in
            Entry(
                rank: index + 1,
                employee: ranked.employee,
                usage: UsageFigures(counts: ranked.counts, cost: ranked.cost, unpricedTokens: ranked.unpricedTokens),
                share: Formatting.share(ranked.score(metric), of: whole),
                tier: tiers?.tier(of: ranked)?.description,
                titles: titles.filter { $0.employee == ranked.employee }.map(\.title.description)
            )
        }
    }

    /// The human table.
    public func render() -> String {
        var table = TextTable(
            headers: ["rank", "employee", "tier", "tokens", "output", "cost", "share", "titles"],
            rightAligned: [0, 3, 4, 5, 6]
        )
        let whole: UInt64
        switch metric {
        case "cost": whole = company.costNanos
        case "output": whole = company.output
        default: whole = company.tokens
        }
        for entry in entries {
            let score: UInt64
            switch metric {
            case "cost": score = entry.usage.costNanos
            case "output": score = entry.usage.output
            default: score = entry.usage.tokens
            }
            table.add([
                String(entry.rank), entry.employee, entry.tier ?? "-", Formatting.grouped(entry.usage.tokens),
                Formatting.grouped(entry.usage.output), Formatting.dollars(entry.usage.costNanos),
                Formatting.percent(score, of: whole), entry.titles.joined(separator: ", "),
            ])
        }
        var out = "Top \(entries.count) by \(metric), window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        out += table.render()
        out += "company: \(Formatting.grouped(company.tokens)) tokens, \(Formatting.dollars(company.costNanos)), "
        out += "\(Formatting.grouped(activeEmployees)) active employees"
        if company.unpricedTokens > 0 {
            out += ", \(Formatting.grouped(company.unpricedTokens)) tokens on unpriced models (not in cost)"
        }
        return out + "\n"
    }
}
