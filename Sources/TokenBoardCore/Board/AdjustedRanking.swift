/// The board re-ranked with the flagged usage left out (`tokenboard top --adjusted`).
///
/// Exact from the raw top K + F, where F is the number of flagged employees: at least K of those K + F are not
/// flagged, so their adjusted score is their raw score, and every employee outside them ranks behind each of
/// those K on raw score (board order is total) while an adjusted score never exceeds the raw one. So nobody
/// outside the raw top K + F can enter the adjusted top K.
public enum AdjustedRanking {
    /// One row of the adjusted board.
    public struct Row: Sendable, Hashable {
        public var entry: RankedEmployee
        /// The employee's rank on the raw board.
        public var rawRank: Int
        /// The metric with the flagged usage subtracted (never below zero).
        public var score: UInt64

        public init(entry: RankedEmployee, rawRank: Int, score: UInt64) {
            self.entry = entry
            self.rawRank = rawRank
            self.score = score
        }
    }

    /// The best `k` of `raw` (the raw board in order, at least the top K + F) after subtracting each flagged
    /// employee's flagged usage, in board order (ties by employee key).
    public static func rank(
        _ raw: [RankedEmployee],
        flagged: [FlaggedEmployee],
        k: Int,
        by metric: RankingMetric
    ) -> [Row] {
        var left: [String: UInt64] = [:]
        for employee in flagged { left[employee.employee] = employee.flagged(metric) }
        let rows = raw.enumerated().map { index, entry in
            let score = entry.score(metric)
            return Row(entry: entry, rawRank: index + 1, score: score - min(score, left[entry.employee] ?? 0))
        }
        let sorted = rows.sorted {
            RankedEmployee.ranksAhead(
                score: $0.score,
                employee: $0.entry.employee,
                ofScore: $1.score,
                employee: $1.entry.employee
            )
        }
        return Array(sorted.prefix(k))
    }
}
