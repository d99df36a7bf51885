import TokenBoardCore
import TokenBoardWire

/// Budgets against month-to-date cost: `tokenboard budgets`.
public struct BudgetReport: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        /// `employee` or `team`.
        public var scope: String
        public var name: String
        public var budgetNanos: UInt64
        public var costNanos: UInt64
        /// Cost as a share of the budget (1.0 = all of it); nil for a budget of 0.
        public var used: Double?
        public var status: BudgetLine.Status

        enum CodingKeys: String, CodingKey {
            case scope, name, used, status
            case budgetNanos = "budget_nanos"
            case costNanos = "cost_nanos"
        }

        public init(_ line: BudgetLine) {
            scope = line.scope.description
            name = line.name
            budgetNanos = line.budget
            costNanos = line.cost
            used = line.budget == 0 ? nil : Double(line.cost) / Double(line.budget)
            status = line.status
        }
    }

    /// The month the costs cover (`2026-10`), through `anchor`.
    public var month: String?
    public var anchor: String?
    public var shards: CoverageReport
    /// Every budget configured.
    public var budgets: Int
    /// The lines shown: over or within 10% of budget, worst first (every line with `all`).
    public var lines: [Line]

    enum CodingKeys: String, CodingKey {
        case month, anchor, shards, budgets, lines
    }

    public init(reply: BudgetsReply, all: Bool = false) {
        anchor = reply.anchor?.description
        month = reply.anchor.map { String($0.description.prefix(7)) }
        shards = CoverageReport(reply.coverage)
        budgets = reply.lines.count
        let chosen = reply.lines.filter { all || $0.status != .within }.map(Line.init)
        // Worst first: the largest share of budget used, then by name.
        lines = chosen.sorted { a, b in
            let x = a.costNanos.multipliedFullWidth(by: max(b.budgetNanos, 1))
            let y = b.costNanos.multipliedFullWidth(by: max(a.budgetNanos, 1))
            if (x.high, x.low) != (y.high, y.low) { return (x.high, x.low) > (y.high, y.low) }
            return (a.scope, a.name) < (b.scope, b.name)
        }
    }

    public func render() -> String {
        guard budgets > 0 else {
            return "no budgets configured (the \"budgets\" section of the topology's badges file; docs/BOARD.md)\n"
        }
        var out = "Budgets for \(month ?? "(no data yet)")"
        out += anchor.map { " through \($0)" } ?? ""
        out += " — \(shards.line)\n"
        guard !lines.isEmpty else { return out + "all \(budgets) budgets are below 90% of their monthly amount\n" }
        var table = TextTable(headers: ["status", "scope", "name", "cost", "budget", "used"], rightAligned: [3, 4, 5])
        for line in lines {
            table.add([
                line.status.rawValue, line.scope, line.name, Formatting.dollars(line.costNanos),
                Formatting.dollars(line.budgetNanos), Formatting.percent(line.costNanos, of: line.budgetNanos),
            ])
        }
        return out + table.render()
    }
}
