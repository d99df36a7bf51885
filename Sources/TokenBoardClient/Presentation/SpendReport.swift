import TokenBoardCore
import TokenBoardWire

/// Company spend: `tokenboard spend`.
public struct SpendReport: Codable, Sendable, Hashable {
    /// How rows are grouped.
    public enum Grouping: String, Codable, Sendable, CaseIterable {
        case model, provider
    }

    public struct Row: Codable, Sendable, Hashable {
        public var label: String
        /// The provider of a model row; empty for provider rows.
        public var provider: String
        public var priced: Bool
        public var usage: UsageFigures
        /// Share of the company's cost.
        public var costShare: Double

        enum CodingKeys: String, CodingKey {
            case label, provider, priced, usage
            case costShare = "cost_share"
        }
    }

    public var window: String
    public var anchor: String?
    public var groupedBy: Grouping
    public var shards: CoverageReport
    public var company: UsageFigures
    public var activeEmployees: UInt64
    public var rows: [Row]

    enum CodingKeys: String, CodingKey {
        case window, anchor, shards, company, rows
        case groupedBy = "by"
        case activeEmployees = "active_employees"
    }

    public init(reply: TotalsReply, window: Window, grouping: Grouping) {
        self.window = window.description
        anchor = reply.anchor?.description
        groupedBy = grouping
        shards = CoverageReport(reply.coverage)
        company = UsageFigures(
            counts: reply.totals.counts,
            cost: reply.totals.cost,
            unpricedTokens: reply.totals.unpricedTokens
        )
        activeEmployees = reply.totals.activeEmployees
        let source: [LabeledUsage]
        switch grouping {
        case .model:
            source = reply.models
        case .provider:
            source = LabeledUsage.merge(
                reply.models.map {
                    LabeledUsage(label: $0.provider, counts: $0.counts, cost: $0.cost, priced: $0.priced)
                }
            )
        }
        let totalCost = reply.totals.cost
        rows = source.map { usage in
            Row(
                label: usage.label,
                provider: grouping == .model ? usage.provider : "",
                priced: usage.priced,
                usage: UsageFigures(
                    counts: usage.counts,
                    cost: usage.cost,
                    unpricedTokens: usage.priced ? 0 : usage.counts.total
                ),
                costShare: Formatting.share(usage.cost, of: totalCost)
            )
        }
    }

    public func render() -> String {
        var headers = [groupedBy.rawValue]
        if groupedBy == .model { headers.append("provider") }
        headers += ["tokens", "input", "output", "cache write", "cache read", "cost", "share"]
        let numeric = Set((groupedBy == .model ? 2 : 1)..<headers.count)
        var table = TextTable(headers: headers, rightAligned: numeric)
        for row in rows {
            var cells = [row.label]
            if groupedBy == .model { cells.append(row.provider) }
            cells += [
                Formatting.grouped(row.usage.tokens), Formatting.grouped(row.usage.input),
                Formatting.grouped(row.usage.output), Formatting.grouped(row.usage.cacheWrite),
                Formatting.grouped(row.usage.cacheRead),
                row.priced ? Formatting.dollars(row.usage.costNanos) : "unpriced",
                row.priced ? Formatting.percent(row.usage.costNanos, of: company.costNanos) : "-",
            ]
            table.add(cells)
        }
        var out = "Spend by \(groupedBy.rawValue), window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        out += table.render()
        out += "total: \(Formatting.dollars(company.costNanos)) for \(Formatting.grouped(company.tokens)) tokens"
        out += " by \(Formatting.grouped(activeEmployees)) employees"
        if company.tokens > 0 {
            // nano-dollars per token × 1e6 tokens ÷ 1e9 nano-dollars per dollar
            let perMillion = Double(company.costNanos) / Double(company.tokens) / 1000
            out += " (blended $\(String(format2(perMillion))) per million tokens)"
        }
        if company.unpricedTokens > 0 {
            out +=
                "\n\(Formatting.grouped(company.unpricedTokens)) tokens on models missing from the price book are not in the cost"
        }
        return out + "\n"
    }

    private func format2(_ value: Double) -> String {
        let cents = Int((value * 100).rounded())
        let fraction = String(cents % 100)
        return "\(cents / 100)." + (fraction.count == 1 ? "0" : "") + fraction
    }
}
