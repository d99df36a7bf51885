import TokenBoardCore

/// Ask a worker for every employee active in a window with their totals: what team sums, team ranks and
/// budgets are built from (the coordinator holds the directory, the workers do not).
public struct EntriesQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day

    public init(window: Window, anchor: Day) {
        self.window = window
        self.anchor = anchor
    }
}

public struct EntriesReply: Sendable, Hashable {
    public var entries: [RankedEmployee]
    public var mapVersion: UInt64

    public init(entries: [RankedEmployee], mapVersion: UInt64) {
        self.entries = entries
        self.mapVersion = mapVersion
    }
}

/// Ask the coordinator for a window's usage by team or org, and optionally where one employee stands in their
/// team.
public struct TeamsQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day?
    public var grouping: Grouping
    public var metric: RankingMetric
    /// An employee whose team standing to include.
    public var employee: String?
    public var allowPartial: Bool

    public init(
        window: Window,
        anchor: Day?,
        grouping: Grouping,
        metric: RankingMetric,
        employee: String? = nil,
        allowPartial: Bool = false
    ) {
        self.window = window
        self.anchor = anchor
        self.grouping = grouping
        self.metric = metric
        self.employee = employee
        self.allowPartial = allowPartial
    }
}

public struct TeamsReply: Sendable, Hashable {
    /// Every group with active members, best first by the query's metric.
    public var groups: [GroupUsage]
    /// The asked-for employee's standing; nil when not asked or not active.
    public var standing: TeamStanding?
    /// Active employees the directory does not list (they count under `unassigned`).
    public var unassignedEmployees: UInt64
    /// Employees the coordinator's directory lists (0 without a directory).
    public var directoryEmployees: UInt64
    public var anchor: Day?
    public var coverage: Coverage

    public init(
        groups: [GroupUsage],
        standing: TeamStanding?,
        unassignedEmployees: UInt64,
        directoryEmployees: UInt64,
        anchor: Day?,
        coverage: Coverage
    ) {
        self.groups = groups
        self.standing = standing
        self.unassignedEmployees = unassignedEmployees
        self.directoryEmployees = directoryEmployees
        self.anchor = anchor
        self.coverage = coverage
    }
}

/// Ask the coordinator for every budget and its month-to-date cost.
public struct BudgetsQuery: Sendable, Hashable {
    public var anchor: Day?
    public var allowPartial: Bool

    public init(anchor: Day?, allowPartial: Bool = false) {
        self.anchor = anchor
        self.allowPartial = allowPartial
    }
}

public struct BudgetsReply: Sendable, Hashable {
    public var lines: [BudgetLine]
    /// The month-to-date window's last day; nil before any data.
    public var anchor: Day?
    public var coverage: Coverage

    public init(lines: [BudgetLine], anchor: Day?, coverage: Coverage) {
        self.lines = lines
        self.anchor = anchor
        self.coverage = coverage
    }
}
