import TokenBoardCore

/// Ask for company (or shard) spend by model over a window.
public struct TotalsQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day?
    public var allowPartial: Bool

    public init(window: Window, anchor: Day?, allowPartial: Bool = false) {
        self.window = window
        self.anchor = anchor
        self.allowPartial = allowPartial
    }
}

/// Usage and cost per model (providers come with each row), plus the sums.
public struct TotalsReply: Sendable, Hashable {
    public var models: [LabeledUsage]
    public var totals: WindowTotals
    public var anchor: Day?
    public var newestDay: Day?
    public var coverage: Coverage

    public init(models: [LabeledUsage], totals: WindowTotals, anchor: Day?, newestDay: Day?, coverage: Coverage) {
        self.models = models
        self.totals = totals
        self.anchor = anchor
        self.newestDay = newestDay
        self.coverage = coverage
    }
}
