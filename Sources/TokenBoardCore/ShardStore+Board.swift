extension ShardStore {
    /// How many of this shard's employees active in the window score at least each of `thresholds` on `metric`,
    /// and how many are active: the counts tier floors are searched with.
    public func countAtLeast(
        _ thresholds: [UInt64],
        window: Window,
        anchor: Day,
        by metric: RankingMetric
    ) -> (active: UInt64, counts: [UInt64]) {
        let sums = windowSums(window.range(anchor: anchor), metric: metric)
        var scores: [UInt64] = []
        for employee in 0..<sums.events.count where sums.events[employee] > 0 {
            scores.append(sums.scores[employee])
        }
        guard !thresholds.isEmpty else { return (UInt64(scores.count), []) }
        scores.sort()
        let counts = thresholds.map { threshold -> UInt64 in
            // The first position holding a score ≥ threshold; everything from there on counts.
            var low = 0
            var high = scores.count
            while low < high {
                let mid = (low + high) / 2
                if scores[mid] < threshold { low = mid + 1 } else { high = mid }
            }
            return UInt64(scores.count - low)
        }
        return (UInt64(scores.count), counts)
    }
}

extension ShardStore {
    /// Every employee of this shard active in the window with their full totals, in shard order: what team
    /// sums and budgets are built from.
    public func activeEntries(window: Window, anchor: Day) -> [RankedEmployee] {
        let range = window.range(anchor: anchor)
        let sums = windowSums(range, metric: .tokens)
        return details(of: (0..<sums.events.count).filter { sums.events[$0] > 0 }, in: range)
    }
}
