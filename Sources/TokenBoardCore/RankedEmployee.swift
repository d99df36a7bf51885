/// An employee's totals over a window, as ranked on the board.
public struct RankedEmployee: Sendable, Hashable {
    public var employee: String
    public var counts: TokenCounts
    /// List-price cost in nano-dollars (unpriced models contribute nothing here; see `unpricedTokens`).
    public var cost: UInt64
    /// Tokens of models missing from the price book.
    public var unpricedTokens: UInt64

    public init(employee: String, counts: TokenCounts, cost: UInt64, unpricedTokens: UInt64 = 0) {
        self.employee = employee
        self.counts = counts
        self.cost = cost
        self.unpricedTokens = unpricedTokens
    }

    public var tokens: UInt64 { counts.total }

    /// The value ranked on for a metric.
    @inlinable public func score(_ metric: RankingMetric) -> UInt64 {
        switch metric {
        case .tokens: return counts.total
        case .cost: return cost
        case .output: return counts.output
        }
    }

    /// The board's order: higher score first, ties broken by employee key ascending (byte order), so every node
    /// and every test agrees on one total order.
    @inlinable public static func ranksAhead(
        _ a: RankedEmployee,
        _ b: RankedEmployee,
        by metric: RankingMetric
    ) -> Bool {
        let sa = a.score(metric)
        let sb = b.score(metric)
        if sa != sb { return sa > sb }
        return a.employee.utf8.lexicographicallyPrecedes(b.employee.utf8)
    }

    /// Whether an employee with score `score` and key `employee` ranks ahead of this one.
    @inlinable public static func ranksAhead(
        score: UInt64,
        employee: String,
        ofScore otherScore: UInt64,
        employee otherEmployee: String
    ) -> Bool {
        if score != otherScore { return score > otherScore }
        return employee.utf8.lexicographicallyPrecedes(otherEmployee.utf8)
    }
}

/// Top-K selection and the exact merge of per-shard top-K lists.
public enum TopK {
    /// The best `k` of `candidates` in board order.
    public static func select(
        _ candidates: some Sequence<RankedEmployee>,
        k: Int,
        by metric: RankingMetric
    ) -> [RankedEmployee] {
        guard k > 0 else { return [] }
        var heap = BoundedHeap<RankedEmployee>(capacity: k) { RankedEmployee.ranksAhead($0, $1, by: metric) }
        for candidate in candidates { heap.offer(candidate) }
        return heap.sorted()
    }

    /// Merges per-shard top-K lists into the global top `k`. Exact because every employee lives on exactly one
    /// shard and each shard cut its list after summing the employee's whole window: anyone in the global top `k`
    /// is in the top `k` of their own shard.
    ///
    /// Shards send their lists in board order, so this walks the lists' heads (a k-way merge: a few comparisons
    /// and one copy per entry kept) rather than pushing every entry through a heap; a list not in board order for
    /// `metric` is sorted first.
    public static func merge(_ lists: [[RankedEmployee]], k: Int, by metric: RankingMetric) -> [RankedEmployee] {
        guard k > 0 else { return [] }
        let ordered = lists.map { list in
            isInBoardOrder(list, by: metric) ? list : list.sorted { RankedEmployee.ranksAhead($0, $1, by: metric) }
        }
        var heads = [Int](repeating: 0, count: ordered.count)
        var merged: [RankedEmployee] = []
        merged.reserveCapacity(Swift.min(k, ordered.reduce(0) { $0 + $1.count }))
        while merged.count < k {
            var best = -1
            for list in ordered.indices where heads[list] < ordered[list].count {
                if best < 0
                    || RankedEmployee.ranksAhead(
                        ordered[list][heads[list]],
                        ordered[best][heads[best]],
                        by: metric
                    )
                {
                    best = list
                }
            }
            guard best >= 0 else { break }
            merged.append(ordered[best][heads[best]])
            heads[best] += 1
        }
        return merged
    }

    /// Whether every entry of `list` ranks ahead of the next.
    static func isInBoardOrder(_ list: [RankedEmployee], by metric: RankingMetric) -> Bool {
        guard list.count > 1 else { return true }
        for i in 1..<list.count where !RankedEmployee.ranksAhead(list[i - 1], list[i], by: metric) { return false }
        return true
    }
}
