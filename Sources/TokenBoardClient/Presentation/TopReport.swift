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
        /// The gaming signals beside the rank.
        public var signals: Signals
        /// On an adjusted board: the rank on the raw board, and the score with the flagged usage left out.
        public var rawRank: Int?
        public var adjustedScore: UInt64?

        enum CodingKeys: String, CodingKey {
            case rank, employee, usage, share, tier, titles, signals
            case rawRank = "raw_rank"
            case adjustedScore = "adjusted_score"
        }
    }

    /// An employee's gaming signals in the window (docs/BOARD.md).
    public struct Signals: Codable, Sendable, Hashable {
        /// Output tokens per prompt token (input + cache write + cache read); 0 without prompt tokens.
        public var outputPerInput: Double
        /// Cache-read tokens ÷ all tokens.
        public var cacheReadShare: Double
        /// Idle-agent session runs ending in the window.
        public var idleSessions: UInt32
        /// Days active around the clock (0 below the rule's minimum number of days).
        public var aroundClockDays: UInt32
        /// Tokens `top --adjusted` leaves out.
        public var flaggedTokens: UInt64

        public var isFlagged: Bool { idleSessions > 0 || aroundClockDays > 0 }

        enum CodingKeys: String, CodingKey {
            case outputPerInput = "output_per_input"
            case cacheReadShare = "cache_read_share"
            case idleSessions = "idle_sessions"
            case aroundClockDays = "around_clock_days"
            case flaggedTokens = "flagged_tokens"
        }

        init(_ ranked: RankedEmployee, flagged: FlaggedEmployee?) {
            let counts = ranked.counts
            let prompt = counts.input.saturatingAdd(counts.cacheWrite).saturatingAdd(counts.cacheRead)
            outputPerInput = Formatting.share(counts.output, of: prompt)
            cacheReadShare = Formatting.share(counts.cacheRead, of: counts.total)
            idleSessions = flagged?.idleSessions ?? 0
            aroundClockDays = flagged?.aroundClockDays ?? 0
            flaggedTokens = flagged?.tokens ?? 0
        }
    }

    public var window: String
    public var anchor: String?
    public var metric: String
    public var shards: CoverageReport
    public var company: UsageFigures
    public var activeEmployees: UInt64
    /// Whether the board is ranked with the flagged usage left out (`--adjusted`).
    public var adjusted: Bool
    /// Employees the gaming signals flag in the window, over the whole cluster.
    public var flaggedEmployees: Int
    public var entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case window, anchor, metric, shards, company, adjusted, entries
        case activeEmployees = "active_employees"
        case flaggedEmployees = "flagged_employees"
    }

    /// The board of `reply`; with `tiers` (the same window's floors) each row also shows its tier, with `titles`
    /// (the window's holders) the titles it holds, and with `flagged` (the window's flagged employees) its
    /// signals. With `adjusted` (rows re-ranked from `reply`), the rows are those instead, with their raw rank.
    public init(
        reply: TopReply,
        window: Window,
        metric: RankingMetric,
        tiers: TierCutoffs? = nil,
        titles: [TitleHolder] = [],
        flagged: [FlaggedEmployee] = [],
        adjusted: [AdjustedRanking.Row]? = nil
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
        self.adjusted = adjusted != nil
        flaggedEmployees = flagged.count
        let byName = Dictionary(flagged.map { ($0.employee, $0) }, uniquingKeysWith: { first, _ in first })
        let rows =
            adjusted
            ?? reply.entries.enumerated().map { index, ranked in
                AdjustedRanking.Row(entry: ranked, rawRank: index + 1, score: ranked.score(metric))
            }
        let isAdjusted = adjusted != nil
        entries = rows.enumerated().map { index, row in
            let ranked = row.entry
            return Entry(
                rank: index + 1,
                employee: ranked.employee,
                usage: UsageFigures(counts: ranked.counts, cost: ranked.cost, unpricedTokens: ranked.unpricedTokens),
                share: Formatting.share(ranked.score(metric), of: whole),
                tier: tiers?.tier(of: ranked)?.description,
                titles: titles.filter { $0.employee == ranked.employee }.map(\.title.description),
                signals: Signals(ranked, flagged: byName[ranked.employee]),
                rawRank: isAdjusted ? row.rawRank : nil,
                adjustedScore: isAdjusted ? row.score : nil
            )
        }
    }

    /// The human table.
    public func render() -> String {
        var headers = ["rank", "employee", "tier", "tokens", "output", "cost", "share", "out/in", "cache", "flags"]
        if adjusted { headers.insert(contentsOf: ["was", "adjusted"], at: 1) }
        headers.append("titles")
        let numeric: Set<Int> = adjusted ? [0, 1, 2, 5, 6, 7, 8, 9, 10] : [0, 3, 4, 5, 6, 7, 8]
        var table = TextTable(headers: headers, rightAligned: numeric)
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
            var row = [
                String(entry.rank), entry.employee, entry.tier ?? "-", Formatting.grouped(entry.usage.tokens),
                Formatting.grouped(entry.usage.output), Formatting.dollars(entry.usage.costNanos),
                Formatting.percent(score, of: whole), Self.ratio(entry.signals.outputPerInput),
                Self.percent(entry.signals.cacheReadShare), Self.flags(entry.signals),
            ]
            if let rawRank = entry.rawRank {
                let adjustedScore = entry.adjustedScore ?? score
                let shown = metric == "cost" ? Formatting.dollars(adjustedScore) : Formatting.grouped(adjustedScore)
                row.insert(contentsOf: [Self.moved(from: rawRank, to: entry.rank), shown], at: 1)
            }
            row.append(entry.titles.joined(separator: ", "))
            table.add(row)
        }
        var out = adjusted ? "Adjusted top" : "Top"
        out += " \(entries.count) by \(metric), window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        out += table.render()
        out += "company: \(Formatting.grouped(company.tokens)) tokens, \(Formatting.dollars(company.costNanos)), "
        out += "\(Formatting.grouped(activeEmployees)) active employees"
        if company.unpricedTokens > 0 {
            out += ", \(Formatting.grouped(company.unpricedTokens)) tokens on unpriced models (not in cost)"
        }
        out += "; \(flaggedEmployees) flagged by the gaming signals"
        if adjusted { out += " (their flagged usage left out of the ranking)" }
        return out + "\n"
    }

    /// "was 5 ↑3": the raw rank and how far the adjusted board moved the row.
    private static func moved(from raw: Int, to rank: Int) -> String {
        if raw == rank { return "\(raw) =" }
        return raw > rank ? "\(raw) ↑\(raw - rank)" : "\(raw) ↓\(rank - raw)"
    }

    private static func flags(_ signals: Signals) -> String {
        var flags: [String] = []
        if signals.idleSessions > 0 { flags.append("idle×\(signals.idleSessions)") }
        if signals.aroundClockDays > 0 { flags.append("24h×\(signals.aroundClockDays)d") }
        return flags.isEmpty ? "-" : flags.joined(separator: " ")
    }

    private static func ratio(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
