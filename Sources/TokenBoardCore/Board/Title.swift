/// The board's titles, each held by one employee over a window (docs/BOARD.md defines each precisely).
public enum Title: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Rank 1 by total tokens.
    case tokenLegend = 0
    /// The longest single agent session by wall time (first to last event of one session id).
    case sessionImmortal = 1
    /// The most distinct models used meaningfully (each with at least `TitleRules.minTokensPerModel` tokens and
    /// `TitleRules.minModelSharePercent` of the employee's tokens).
    case modelConnoisseur = 2
    /// The highest share of tokens read from the prompt cache, among employees with `TitleRules.cacheWizardMinTokens`.
    case cacheWizard = 3

    public var description: String {
        switch self {
        case .tokenLegend: return "Token Legend"
        case .sessionImmortal: return "Session Immortal"
        case .modelConnoisseur: return "Model Connoisseur"
        case .cacheWizard: return "Cache Wizard"
        }
    }
}

/// The thresholds titles use (the `titles` section of `cluster/badges.json`).
public struct TitleRules: Sendable, Hashable {
    /// Tokens a model needs in the window to count as used by the Model Connoisseur.
    public var minTokensPerModel: UInt64
    /// The share of the employee's window tokens (percent) a model needs to count: a one-off try is not use.
    public var minModelSharePercent: UInt64
    /// Tokens an employee needs in the window to compete for Cache Wizard.
    public var cacheWizardMinTokens: UInt64

    public init(
        minTokensPerModel: UInt64 = 1_000_000,
        minModelSharePercent: UInt64 = 5,
        cacheWizardMinTokens: UInt64 = 100_000_000
    ) {
        self.minTokensPerModel = minTokensPerModel
        self.minModelSharePercent = minModelSharePercent
        self.cacheWizardMinTokens = cacheWizardMinTokens
    }

    /// Whether `tokens` of one model, out of the employee's `total`, count as meaningful use.
    public func countsModel(tokens: UInt64, of total: UInt64) -> Bool {
        guard tokens >= minTokensPerModel else { return false }
        let scaled = tokens.multipliedFullWidth(by: 100)
        let needed = total.multipliedFullWidth(by: minModelSharePercent)
        return (scaled.high, scaled.low) >= (needed.high, needed.low)
    }
}

/// An employee's claim to a title: the best of a shard, or, merged, of the company.
public struct TitleHolder: Sendable, Hashable {
    public var title: Title
    public var employee: String
    /// Tokens (Token Legend), session milliseconds (Session Immortal), distinct models (Model Connoisseur), or
    /// cache-read tokens (Cache Wizard).
    public var value: UInt64
    /// The session's first event in Unix ms (Session Immortal), the employee's tokens in the window (Model
    /// Connoisseur, Cache Wizard), else 0.
    public var base: UInt64

    public init(title: Title, employee: String, value: UInt64, base: UInt64 = 0) {
        self.title = title
        self.employee = employee
        self.value = value
        self.base = base
    }

    /// Whether `self` has the better claim to the same title: the larger value (for Cache Wizard the larger
    /// share value / base, compared exactly), then the employee key first in byte order.
    public func beats(_ other: TitleHolder) -> Bool {
        if title == .cacheWizard {
            let mine = value.multipliedFullWidth(by: other.base)
            let theirs = other.value.multipliedFullWidth(by: base)
            if (mine.high, mine.low) != (theirs.high, theirs.low) {
                return (mine.high, mine.low) > (theirs.high, theirs.low)
            }
        } else if value != other.value {
            return value > other.value
        }
        return employee.utf8.lexicographicallyPrecedes(other.employee.utf8)
    }

    /// The holder of each title among per-shard candidates, in title order.
    public static func merge(_ candidates: [TitleHolder]) -> [TitleHolder] {
        var best: [Title: TitleHolder] = [:]
        for candidate in candidates where best[candidate.title].map({ candidate.beats($0) }) ?? true {
            best[candidate.title] = candidate
        }
        return Title.allCases.compactMap { best[$0] }
    }
}
