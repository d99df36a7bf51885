import TokenBoardCore
import TokenBoardWire

/// A window's tiers: `tokenboard tiers`.
public struct TierReport: Codable, Sendable, Hashable {
    public struct Level: Codable, Sendable, Hashable {
        public var tier: String
        public var rule: String
        /// The lowest score (tokens, output tokens, or nano-dollars) holding this tier or a higher one.
        public var floor: UInt64?
        public var employees: UInt64
    }

    public var window: String
    public var anchor: String?
    public var metric: String
    public var shards: CoverageReport
    public var activeEmployees: UInt64
    /// Active employees below every floor.
    public var untiered: UInt64
    public var tiers: [Level]

    enum CodingKeys: String, CodingKey {
        case window, anchor, metric, shards, untiered, tiers
        case activeEmployees = "active_employees"
    }

    public init(reply: TiersReply, window: Window) {
        self.window = window.description
        anchor = reply.anchor?.description
        metric = reply.cutoffs.metric.description
        shards = CoverageReport(reply.coverage)
        activeEmployees = reply.cutoffs.activeEmployees
        tiers = reply.cutoffs.levels.map {
            Level(tier: $0.tier.description, rule: $0.rule, floor: $0.floor, employees: $0.employees)
        }
        let tiered = tiers.reduce(UInt64(0)) { $0 + $1.employees }
        untiered = activeEmployees - min(tiered, activeEmployees)
    }

    public func render() -> String {
        var out = "Tiers by \(metric), window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        var table = TextTable(headers: ["tier", "rule", "floor", "employees"], rightAligned: [2, 3])
        for level in tiers {
            let floor = level.floor.map { metric == "cost" ? Formatting.dollars($0) : Formatting.grouped($0) } ?? "-"
            table.add([level.tier, level.rule, floor, Formatting.grouped(level.employees)])
        }
        out += table.render()
        out +=
            "\(Formatting.grouped(activeEmployees)) active employees, \(Formatting.grouped(untiered)) below every floor\n"
        return out
    }
}
