import Foundation

/// The board's rules (`cluster/badges.json`, documented in docs/BOARD.md): how tiers are awarded and the monthly
/// budgets. A missing section means the shipped defaults (no budgets).
public struct BoardConfig: Sendable, Hashable {
    public var tiers: TierRules
    public var titles: TitleRules
    public var budgets: Budgets
    public var signals: SignalRules

    public init(
        tiers: TierRules = .defaults,
        titles: TitleRules = TitleRules(),
        budgets: Budgets = Budgets(),
        signals: SignalRules = SignalRules()
    ) {
        self.tiers = tiers
        self.titles = titles
        self.budgets = budgets
        self.signals = signals
    }

    /// The shipped defaults (the same as `cluster/badges.json`).
    public static let defaults = BoardConfig()

    /// Loads a board file.
    public init(contentsOf path: String) throws(BoardConfigError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BoardConfigError("cannot read board rules \(path): \(error.localizedDescription)")
        }
        try self.init(json: data, source: path)
    }

    /// Parses the board file format.
    public init(json: Data, source: String = "board rules") throws(BoardConfigError) {
        let file: BoardFile
        do {
            file = try JSONDecoder().decode(BoardFile.self, from: json)
        } catch {
            throw BoardConfigError("\(source) is not a valid board file: \(error)")
        }
        tiers = .defaults
        titles = TitleRules()
        budgets = Budgets()
        signals = SignalRules()
        do throws(BoardConfigError) {
            if let section = file.tiers { tiers = try section.parsed() }
            if let section = file.titles { titles = try section.parsed() }
            if let section = file.budgets { budgets = try section.parsed() }
            if let section = file.signals { signals = try section.parsed() }
        } catch {
            throw BoardConfigError("\(source): \(error.description)")
        }
    }
}

private struct BoardFile: Decodable {
    var tiers: TiersSection?
    var budgets: BudgetsSection?
    var titles: TitlesSection?
    var signals: SignalsSection?

    struct SignalsSection: Decodable {
        var idleMinRequests: Double?
        var idleMinMinutes: Double?
        var idleMaxOutputPerRequest: Double?
        var idleMaxCadenceSpreadPercent: Double?
        var aroundClockMinHours: Double?
        var aroundClockMinDays: Double?

        enum CodingKeys: String, CodingKey {
            case idleMinRequests = "idle_min_requests"
            case idleMinMinutes = "idle_min_minutes"
            case idleMaxOutputPerRequest = "idle_max_output_per_request"
            case idleMaxCadenceSpreadPercent = "idle_max_cadence_spread_percent"
            case aroundClockMinHours = "around_clock_min_hours"
            case aroundClockMinDays = "around_clock_min_days"
        }

        func parsed() throws(BoardConfigError) -> SignalRules {
            var rules = SignalRules()
            func whole(_ value: Double?, _ field: String, min: UInt64, max: Double) throws(BoardConfigError)
                -> UInt64?
            {
                guard let value else { return nil }
                let parsed = try TiersSection.scaled(value, decimals: 0, max: max, "signals.\(field)")
                guard parsed >= min else { throw BoardConfigError("signals.\(field) must be at least \(min)") }
                return parsed
            }
            if let v = try whole(idleMinRequests, "idle_min_requests", min: 2, max: 1e9) { rules.idleMinRequests = v }
            if let v = try whole(idleMinMinutes, "idle_min_minutes", min: 0, max: 1e6) { rules.idleMinMinutes = v }
            if let v = try whole(idleMaxOutputPerRequest, "idle_max_output_per_request", min: 0, max: 1e9) {
                rules.idleMaxOutputPerRequest = v
            }
            if let v = try whole(idleMaxCadenceSpreadPercent, "idle_max_cadence_spread_percent", min: 0, max: 1e4) {
                rules.idleMaxCadenceSpreadPercent = v
            }
            if let v = try whole(aroundClockMinHours, "around_clock_min_hours", min: 1, max: 24) {
                rules.aroundClockMinHours = v
            }
            if let v = try whole(aroundClockMinDays, "around_clock_min_days", min: 1, max: 3660) {
                rules.aroundClockMinDays = v
            }
            return rules
        }
    }

    struct TitlesSection: Decodable {
        var minTokensPerModel: Double?
        var minModelSharePercent: Double?
        var cacheWizardMinTokens: Double?

        enum CodingKeys: String, CodingKey {
            case minTokensPerModel = "model_connoisseur_min_tokens_per_model"
            case minModelSharePercent = "model_connoisseur_min_share_percent"
            case cacheWizardMinTokens = "cache_wizard_min_tokens"
        }

        func parsed() throws(BoardConfigError) -> TitleRules {
            var rules = TitleRules()
            if let value = minTokensPerModel {
                rules.minTokensPerModel = try TiersSection.scaled(
                    value,
                    decimals: 0,
                    max: 1e15,
                    "titles.model_connoisseur_min_tokens_per_model"
                )
                guard rules.minTokensPerModel > 0 else {
                    throw BoardConfigError("titles.model_connoisseur_min_tokens_per_model must be at least 1")
                }
            }
            if let value = minModelSharePercent {
                rules.minModelSharePercent = try TiersSection.scaled(
                    value,
                    decimals: 0,
                    max: 100,
                    "titles.model_connoisseur_min_share_percent"
                )
            }
            if let value = cacheWizardMinTokens {
                rules.cacheWizardMinTokens = try TiersSection.scaled(
                    value,
                    decimals: 0,
                    max: 1e15,
                    "titles.cache_wizard_min_tokens"
                )
            }
            return rules
        }
    }

    struct BudgetsSection: Decodable {
        var employees: [String: Double]?
        var teams: [String: Double]?

        func parsed() throws(BoardConfigError) -> Budgets {
            var budgets = Budgets()
            for (name, usd) in employees ?? [:] {
                budgets.employees[name] =
                    try TiersSection.scaled(usd, decimals: 2, max: 1e9, "budgets.employees[\(name)]") * 10_000_000
            }
            for (name, usd) in teams ?? [:] {
                budgets.teams[name] =
                    try TiersSection.scaled(usd, decimals: 2, max: 1e9, "budgets.teams[\(name)]") * 10_000_000
            }
            return budgets
        }
    }

    struct TiersSection: Decodable {
        var metric: String?
        var rules: [RuleEntry]

        func parsed() throws(BoardConfigError) -> TierRules {
            let metricName = metric ?? "tokens"
            guard let metric = RankingMetric(name: metricName) else {
                throw BoardConfigError("tiers.metric must be tokens, cost or output; got '\(metricName)'")
            }
            var parsed: [TierRules.Rule] = []
            for (index, entry) in rules.enumerated() {
                let place = "tiers.rules[\(index)]"
                guard let tier = Tier(name: entry.tier) else {
                    throw BoardConfigError(
                        "\(place).tier must be one of \(Tier.allCases.map(\.description).joined(separator: ", ")); got '\(entry.tier)'"
                    )
                }
                var rule = TierRules.Rule(tier: tier)
                if let percent = entry.topPercent {
                    rule.topMillipercent = try Self.scaled(percent, decimals: 3, max: 100, "\(place).top_percent")
                }
                if let floor = entry.atLeast {
                    // Costs are written in USD with at most two decimals and kept in nano-dollars.
                    rule.atLeast =
                        metric == .cost
                        ? try Self.scaled(floor, decimals: 2, max: 1e9, "\(place).at_least") * 10_000_000
                        : try Self.scaled(floor, decimals: 0, max: 1e15, "\(place).at_least")
                }
                parsed.append(rule)
            }
            return try TierRules(metric: metric, rules: parsed)
        }

        /// `value × scale` as an exact integer, or an error naming the field.
        static func scaled(_ value: Double, decimals: Int, max: Double, _ place: String) throws(BoardConfigError)
            -> UInt64
        {
            guard value.isFinite, value >= 0, value <= max else {
                throw BoardConfigError("\(place) must be a number between 0 and \(UInt64(max))")
            }
            var scale = 1.0
            for _ in 0..<decimals { scale *= 10 }
            let scaled = (value * scale).rounded()
            guard abs(scaled - value * scale) < 1e-6 else {
                throw BoardConfigError("\(place) = \(value) has more than \(decimals) decimals")
            }
            return UInt64(scaled)
        }
    }

    struct RuleEntry: Decodable {
        var tier: String
        var topPercent: Double?
        var atLeast: Double?

        enum CodingKeys: String, CodingKey {
            case tier
            case topPercent = "top_percent"
            case atLeast = "at_least"
        }
    }
}
