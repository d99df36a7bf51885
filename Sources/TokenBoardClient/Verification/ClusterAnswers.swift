import TokenBoardCore

/// What the cluster answered to the questions a manifest can check, over the whole log (window `all`).
public struct ClusterAnswers: Sendable, Hashable {
    /// The top of the board by tokens, in board order.
    public var board: [RankedEmployee]
    /// Company spend by model.
    public var models: [LabeledUsage]
    /// Company totals (with the count of active employees).
    public var totals: WindowTotals
    /// Each employee asked about: their totals and global rank by tokens, or nil when no shard has seen them.
    public var employees: [String: EmployeeAnswer?]

    /// One employee's totals and rank.
    public struct EmployeeAnswer: Sendable, Hashable {
        public var summary: RankedEmployee
        /// 1-based rank by tokens among active employees.
        public var rank: UInt64

        public init(summary: RankedEmployee, rank: UInt64) {
            self.summary = summary
            self.rank = rank
        }
    }

    public init(
        board: [RankedEmployee],
        models: [LabeledUsage],
        totals: WindowTotals,
        employees: [String: EmployeeAnswer?]
    ) {
        self.board = board
        self.models = models
        self.totals = totals
        self.employees = employees
    }
}
