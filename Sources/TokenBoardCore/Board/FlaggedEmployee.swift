/// One employee the gaming signals flag over a window, with the usage flagged (docs/BOARD.md).
public struct FlaggedEmployee: Sendable, Hashable {
    public var employee: String
    /// Idle-agent session runs ending in the window.
    public var idleSessions: UInt32
    /// Days of the window the employee was active around the clock (0 unless at least the rule's minimum).
    public var aroundClockDays: UInt32
    /// The usage left out by `top --adjusted`: the whole of every around-the-clock day counted above, plus every
    /// idle run ending on another day of the window. Tokens and output in tokens, cost in nano-dollars.
    public var tokens: UInt64
    public var output: UInt64
    public var cost: UInt64

    public init(
        employee: String,
        idleSessions: UInt32,
        aroundClockDays: UInt32,
        tokens: UInt64,
        output: UInt64,
        cost: UInt64
    ) {
        self.employee = employee
        self.idleSessions = idleSessions
        self.aroundClockDays = aroundClockDays
        self.tokens = tokens
        self.output = output
        self.cost = cost
    }

    /// The flagged part of `metric`.
    public func flagged(_ metric: RankingMetric) -> UInt64 {
        switch metric {
        case .tokens: return tokens
        case .cost: return cost
        case .output: return output
        }
    }
}
