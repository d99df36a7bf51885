import TokenBoardCore

/// Ask a worker how many of its employees active in a window score at least each threshold: the counts the
/// coordinator searches tier floors with, so no employee list crosses the network.
public struct ScoreCountQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day
    public var metric: RankingMetric
    public var thresholds: [UInt64]

    /// The most thresholds one query may carry (a tier search asks for at most 255 per tier).
    public static let maxThresholds = 4096

    public init(window: Window, anchor: Day, metric: RankingMetric, thresholds: [UInt64]) {
        self.window = window
        self.anchor = anchor
        self.metric = metric
        self.thresholds = thresholds
    }
}

public struct ScoreCountReply: Sendable, Hashable {
    /// Employees of the shard active in the window.
    public var activeEmployees: UInt64
    /// One count per threshold, in the query's order.
    public var counts: [UInt64]
    public var mapVersion: UInt64

    public init(activeEmployees: UInt64, counts: [UInt64], mapVersion: UInt64) {
        self.activeEmployees = activeEmployees
        self.counts = counts
        self.mapVersion = mapVersion
    }
}

/// Ask the coordinator for a window's tier floors and how many employees hold each tier.
public struct TiersQuery: Sendable, Hashable {
    public var window: Window
    public var anchor: Day?
    public var allowPartial: Bool

    public init(window: Window, anchor: Day?, allowPartial: Bool = false) {
        self.window = window
        self.anchor = anchor
        self.allowPartial = allowPartial
    }
}

public struct TiersReply: Sendable, Hashable {
    public var cutoffs: TierCutoffs
    public var anchor: Day?
    public var coverage: Coverage

    public init(cutoffs: TierCutoffs, anchor: Day?, coverage: Coverage) {
        self.cutoffs = cutoffs
        self.anchor = anchor
        self.coverage = coverage
    }
}
