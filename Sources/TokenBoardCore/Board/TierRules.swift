/// How tiers are awarded over a window (the `tiers` section of `cluster/badges.json`, docs/BOARD.md).
///
/// Each tier has a floor on one metric; an employee active in the window holds the highest tier whose floor their
/// score reaches. A floor is a percentile of the window's distribution (`top_percent`: the score of the employee
/// ranked ⌈N × p / 100⌉ of the N active ones, so ties at that score all qualify), an absolute threshold
/// (`at_least`), or both (the higher of the two).
public struct TierRules: Sendable, Hashable {
    /// One tier's floor.
    public struct Rule: Sendable, Hashable {
        public var tier: Tier
        /// Thousandths of a percent (1% = 1,000; 100% = 100,000), so a percentile is exact integer arithmetic.
        public var topMillipercent: UInt64?
        /// Absolute floor in the metric's unit: tokens, or nano-dollars for cost.
        public var atLeast: UInt64?

        public init(tier: Tier, topMillipercent: UInt64? = nil, atLeast: UInt64? = nil) {
            self.tier = tier
            self.topMillipercent = topMillipercent
            self.atLeast = atLeast
        }

        /// The rank the percentile floor sits at among `active` employees: ⌈active × p / 100⌉, at least 1.
        public func rank(among active: UInt64) -> UInt64? {
            guard let topMillipercent, active > 0 else { return nil }
            let (high, low) = active.multipliedFullWidth(by: topMillipercent)
            let (quotient, remainder) = UInt64(100_000).dividingFullWidth((high: high, low: low))
            return max(1, remainder == 0 ? quotient : quotient + 1)
        }
    }

    /// What the floors measure.
    public var metric: RankingMetric
    /// One rule per awarded tier, highest tier first.
    public var rules: [Rule]

    /// Checks the rules and orders them highest tier first.
    public init(metric: RankingMetric, rules: [Rule]) throws(BoardConfigError) {
        guard !rules.isEmpty else { throw BoardConfigError("tiers.rules is empty: name at least one tier") }
        var seen = Set<Tier>()
        for rule in rules {
            guard seen.insert(rule.tier).inserted else {
                throw BoardConfigError("tiers.rules names \(rule.tier) twice")
            }
            guard rule.topMillipercent != nil || rule.atLeast != nil else {
                throw BoardConfigError("tiers.rules[\(rule.tier)] needs top_percent, at_least, or both")
            }
            if let p = rule.topMillipercent, p == 0 || p > 100_000 {
                throw BoardConfigError("tiers.rules[\(rule.tier)].top_percent must be in (0, 100]")
            }
        }
        self.metric = metric
        self.rules = rules.sorted { $0.tier > $1.tier }
    }

    /// The shipped rules (the same as `cluster/badges.json`): emerald the top 1% by tokens, platinum 5%, gold
    /// 15%, silver 40%, bronze 75%; the bottom quarter of active employees holds no tier.
    public static let defaults: TierRules = try! TierRules(
        metric: .tokens,
        rules: [
            Rule(tier: .emerald, topMillipercent: 1_000),
            Rule(tier: .platinum, topMillipercent: 5_000),
            Rule(tier: .gold, topMillipercent: 15_000),
            Rule(tier: .silver, topMillipercent: 40_000),
            Rule(tier: .bronze, topMillipercent: 75_000),
        ]
    )
}

extension TierRules.Rule {
    /// The rule as the board shows it: `top 1%`, `at least 1000000 tokens`, `top 5% and at least $100.00`.
    public func text(metric: RankingMetric) -> String {
        var parts: [String] = []
        if let topMillipercent {
            let whole = topMillipercent / 1000
            var fraction = String(topMillipercent % 1000)
            while fraction.count < 3 { fraction = "0" + fraction }
            while fraction.hasSuffix("0") { fraction.removeLast() }
            parts.append("top \(whole)\(fraction.isEmpty ? "" : "." + fraction)%")
        }
        if let atLeast {
            switch metric {
            case .cost:
                let cents = atLeast / 10_000_000
                let fraction = cents % 100
                parts.append("at least $\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)")
            case .tokens: parts.append("at least \(atLeast) tokens")
            case .output: parts.append("at least \(atLeast) output tokens")
            }
        }
        return parts.joined(separator: " and ")
    }
}
