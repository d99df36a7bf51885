/// Tokens and cost under one label: a model, a provider, a tool or a day.
public struct LabeledUsage: Sendable, Hashable {
    public var label: String
    public var counts: TokenCounts
    /// Nano-dollars; 0 when `priced` is false.
    public var cost: UInt64
    /// False when the label is a model missing from the price book (its tokens are counted, its cost unknown).
    public var priced: Bool
    /// For a model, its provider from the price book ("unknown" when unpriced); empty otherwise.
    public var provider: String

    public init(label: String, counts: TokenCounts, cost: UInt64, priced: Bool = true, provider: String = "") {
        self.label = label
        self.counts = counts
        self.cost = cost
        self.priced = priced
        self.provider = provider
    }

    /// Sums rows with the same label, keeping the first row's provider; the result is sorted by cost, then
    /// tokens, descending, then label.
    public static func merge(_ rows: some Sequence<LabeledUsage>) -> [LabeledUsage] {
        var byLabel: [String: LabeledUsage] = [:]
        for row in rows {
            if var existing = byLabel[row.label] {
                existing.counts.add(row.counts)
                existing.cost = existing.cost.saturatingAdd(row.cost)
                existing.priced = existing.priced && row.priced
                byLabel[row.label] = existing
            } else {
                byLabel[row.label] = row
            }
        }
        return byLabel.values.sorted(by: LabeledUsage.displayOrder)
    }

    /// Highest cost first, then most tokens, then label.
    public static func displayOrder(_ a: LabeledUsage, _ b: LabeledUsage) -> Bool {
        if a.cost != b.cost { return a.cost > b.cost }
        if a.counts.total != b.counts.total { return a.counts.total > b.counts.total }
        return a.label < b.label
    }
}

/// Company-wide (or shard-wide) sums over a window.
public struct WindowTotals: Sendable, Hashable {
    public var counts: TokenCounts
    public var cost: UInt64
    public var unpricedTokens: UInt64
    /// Employees with any usage in the window.
    public var activeEmployees: UInt64

    public init(counts: TokenCounts = .zero, cost: UInt64 = 0, unpricedTokens: UInt64 = 0, activeEmployees: UInt64 = 0)
    {
        self.counts = counts
        self.cost = cost
        self.unpricedTokens = unpricedTokens
        self.activeEmployees = activeEmployees
    }

    public var tokens: UInt64 { counts.total }

    public mutating func add(_ other: WindowTotals) {
        counts.add(other.counts)
        cost = cost.saturatingAdd(other.cost)
        unpricedTokens = unpricedTokens.saturatingAdd(other.unpricedTokens)
        activeEmployees = activeEmployees.saturatingAdd(other.activeEmployees)
    }
}

/// One shard's answer to a top-K query.
public struct ShardTop: Sendable, Hashable {
    public var entries: [RankedEmployee]
    public var totals: WindowTotals

    public init(entries: [RankedEmployee], totals: WindowTotals) {
        self.entries = entries
        self.totals = totals
    }
}

/// One employee's usage over a window, broken down.
public struct EmployeeUsage: Sendable, Hashable {
    public var summary: RankedEmployee
    public var byModel: [LabeledUsage]
    public var byTool: [LabeledUsage]
    /// One row per day with usage, labelled `YYYY-MM-DD`, oldest first.
    public var byDay: [LabeledUsage]

    public init(summary: RankedEmployee, byModel: [LabeledUsage], byTool: [LabeledUsage], byDay: [LabeledUsage]) {
        self.summary = summary
        self.byModel = byModel
        self.byTool = byTool
        self.byDay = byDay
    }
}

/// What a shard holds, for `tokenboard status`.
public struct ShardStats: Sendable, Hashable {
    public var employees: UInt64
    public var events: UInt64
    public var batches: UInt64
    /// Per-employee (day, model, tool) counters held.
    public var cells: UInt64
    public var newestDay: Day?
    public var oldestDay: Day?
    /// Bytes in the worker's write-ahead log (0 when it keeps none).
    public var logBytes: UInt64
    /// Keyed events dropped as second deliveries of an id in the recent-id window.
    public var duplicateEvents: UInt64
    /// When the worker last wrote a snapshot, in Unix milliseconds; 0 when it has none.
    public var snapshotMillis: Int64

    public init(
        employees: UInt64,
        events: UInt64,
        batches: UInt64,
        cells: UInt64,
        newestDay: Day?,
        oldestDay: Day?,
        logBytes: UInt64 = 0,
        duplicateEvents: UInt64 = 0,
        snapshotMillis: Int64 = 0
    ) {
        self.employees = employees
        self.events = events
        self.batches = batches
        self.cells = cells
        self.newestDay = newestDay
        self.oldestDay = oldestDay
        self.logBytes = logBytes
        self.duplicateEvents = duplicateEvents
        self.snapshotMillis = snapshotMillis
    }
}
