import TokenBoardCore

/// Ask for one employee's usage over a window (and, from the coordinator, their global rank).
public struct EmployeeQuery: Sendable, Hashable {
    public var employee: String
    public var window: Window
    public var anchor: Day?
    public var metric: RankingMetric
    public var allowPartial: Bool

    public init(employee: String, window: Window, anchor: Day?, metric: RankingMetric, allowPartial: Bool = false) {
        self.employee = employee
        self.window = window
        self.anchor = anchor
        self.metric = metric
        self.allowPartial = allowPartial
    }
}

/// An employee's usage; `usage` is nil when no shard has seen them.
public struct EmployeeReply: Sendable, Hashable {
    public var usage: EmployeeUsage?
    /// 1-based rank by the query's metric among employees active in the window; 0 when not ranked.
    public var rank: UInt64
    /// Employees active in the window across the covered shards.
    public var activeEmployees: UInt64
    public var anchor: Day?
    public var newestDay: Day?
    public var coverage: Coverage

    public init(
        usage: EmployeeUsage?,
        rank: UInt64,
        activeEmployees: UInt64,
        anchor: Day?,
        newestDay: Day?,
        coverage: Coverage
    ) {
        self.usage = usage
        self.rank = rank
        self.activeEmployees = activeEmployees
        self.anchor = anchor
        self.newestDay = newestDay
        self.coverage = coverage
    }
}

/// Ask a worker how many of its employees rank ahead of (`score`, `employee`).
public struct RankQuery: Sendable, Hashable {
    public var employee: String
    public var score: UInt64
    public var window: Window
    public var anchor: Day
    public var metric: RankingMetric

    public init(employee: String, score: UInt64, window: Window, anchor: Day, metric: RankingMetric) {
        self.employee = employee
        self.score = score
        self.window = window
        self.anchor = anchor
        self.metric = metric
    }
}

public struct RankReply: Sendable, Hashable {
    public var ahead: UInt64
    public var activeEmployees: UInt64
    public var mapVersion: UInt64

    public init(ahead: UInt64, activeEmployees: UInt64, mapVersion: UInt64) {
        self.ahead = ahead
        self.activeEmployees = activeEmployees
        self.mapVersion = mapVersion
    }
}
