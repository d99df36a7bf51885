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
        var heap = BoundedHeap(capacity: k, metric: metric)
        for candidate in candidates { heap.offer(candidate) }
        return heap.sorted()
    }

    /// Merges per-shard top-K lists into the global top `k`. Exact because every employee lives on exactly one
    /// shard and each shard cut its list after summing the employee's whole window: anyone in the global top `k`
    /// is in the top `k` of their own shard.
    public static func merge(_ lists: [[RankedEmployee]], k: Int, by metric: RankingMetric) -> [RankedEmployee] {
        select(lists.joined(), k: k, by: metric)
    }
}

/// A min-heap of the best `capacity` employees seen, whose root is the weakest kept.
struct BoundedHeap {
    let capacity: Int
    let metric: RankingMetric
    private(set) var items: [RankedEmployee] = []

    init(capacity: Int, metric: RankingMetric) {
        self.capacity = capacity
        self.metric = metric
        items.reserveCapacity(min(capacity, 1 << 16))
    }

    /// The weakest score kept, once the heap is full; a candidate must beat it to enter.
    var threshold: RankedEmployee? { items.count == capacity ? items[0] : nil }

    mutating func offer(_ candidate: RankedEmployee) {
        if items.count < capacity {
            items.append(candidate)
            siftUp(items.count - 1)
        } else if RankedEmployee.ranksAhead(candidate, items[0], by: metric) {
            items[0] = candidate
            siftDown(0)
        }
    }

    func sorted() -> [RankedEmployee] {
        items.sorted { RankedEmployee.ranksAhead($0, $1, by: metric) }
    }

    // The heap orders by "ranks behind": the root is the employee every other kept one ranks ahead of.
    private func weaker(_ i: Int, _ j: Int) -> Bool {
        RankedEmployee.ranksAhead(items[j], items[i], by: metric)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard weaker(child, parent) else { return }
            items.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { return }
            var weakest = left
            let right = left + 1
            if right < items.count && weaker(right, left) { weakest = right }
            guard weaker(weakest, parent) else { return }
            items.swapAt(weakest, parent)
            parent = weakest
        }
    }
}
