import TokenBoardCore

/// Ask for the top `k` over a window. To a worker, `anchor` is always set; to the coordinator, nil means the
/// newest day the cluster has seen.
public struct TopQuery: Sendable, Hashable {
    public var k: UInt32
    public var window: Window
    public var anchor: Day?
    public var metric: RankingMetric
    public var allowPartial: Bool

    public init(k: UInt32, window: Window, anchor: Day?, metric: RankingMetric, allowPartial: Bool = false) {
        self.k = k
        self.window = window
        self.anchor = anchor
        self.metric = metric
        self.allowPartial = allowPartial
    }
}

/// The top list in board order with the window's totals over the covered shards.
public struct TopReply: Sendable, Hashable {
    public var entries: [RankedEmployee]
    public var totals: WindowTotals
    /// The day the window was anchored at (nil when nothing has been ingested yet).
    public var anchor: Day?
    /// The newest day the answering shards have seen.
    public var newestDay: Day?
    public var coverage: Coverage

    public init(entries: [RankedEmployee], totals: WindowTotals, anchor: Day?, newestDay: Day?, coverage: Coverage) {
        self.entries = entries
        self.totals = totals
        self.anchor = anchor
        self.newestDay = newestDay
        self.coverage = coverage
    }
}
