/// One tier's place on a window's board: the score that reaches it and how many active employees hold it.
public struct TierLevel: Sendable, Hashable {
    public var tier: Tier
    /// The rule as configured, for display (`top 1%`).
    public var rule: String
    /// The lowest score that holds this tier or a higher one; nil when nobody is active.
    public var floor: UInt64?
    /// Active employees whose tier is exactly this one.
    public var employees: UInt64

    public init(tier: Tier, rule: String, floor: UInt64?, employees: UInt64) {
        self.tier = tier
        self.rule = rule
        self.floor = floor
        self.employees = employees
    }
}

/// A window's tier floors, highest tier first, and the tier any score holds under them.
public struct TierCutoffs: Sendable, Hashable {
    public var metric: RankingMetric
    public var levels: [TierLevel]
    public var activeEmployees: UInt64

    public init(metric: RankingMetric, levels: [TierLevel], activeEmployees: UInt64) {
        self.metric = metric
        self.levels = levels.sorted { $0.tier > $1.tier }
        self.activeEmployees = activeEmployees
    }

    /// The tier an active employee with these totals holds; nil below every floor.
    public func tier(of employee: RankedEmployee) -> Tier? {
        tier(ofScore: employee.score(metric))
    }

    /// The tier an active employee scoring `score` on the tier metric holds.
    public func tier(ofScore score: UInt64) -> Tier? {
        levels.first { $0.floor.map { score >= $0 } ?? false }?.tier
    }
}

extension TierRules {
    /// The exact floors and tier counts of a window, from counts alone: `count(thresholds)` answers, over every
    /// shard, how many active employees score at least each threshold, and how many are active. No employee
    /// list crosses the network.
    ///
    /// A percentile floor is the k-th largest score (k = ⌈N × p⌉), the largest S with count(≥ S) ≥ k. It is
    /// found by a 256-way search over the 64-bit score range, all tiers at once: every round asks for at most
    /// 255 thresholds per tier and narrows each interval 256-fold, so the whole answer takes at most ten
    /// round trips (one for N, eight or nine of search, one for the tier counts).
    public func cutoffs(
        count: ([UInt64]) async throws -> (active: UInt64, counts: [UInt64])
    ) async rethrows -> TierCutoffs {
        let active = try await count([]).active
        guard active > 0 else {
            return TierCutoffs(
                metric: metric,
                levels: rules.map { TierLevel(tier: $0.tier, rule: $0.text(metric: metric), floor: nil, employees: 0) },
                activeEmployees: 0
            )
        }
        var searches = rules.map { rule in rule.rank(among: active).map { KthLargestSearch(rank: $0) } }
        while searches.contains(where: { $0?.isDone == false }) {
            let probes = searches.map { $0?.probes() ?? [] }
            let answer = try await count(probes.flatMap { $0 })
            var offset = 0
            for index in searches.indices where !probes[index].isEmpty {
                let counts = answer.counts[offset..<(offset + probes[index].count)]
                searches[index]?.narrow(probes: probes[index], counts: Array(counts))
                offset += probes[index].count
            }
        }
        // A rule's own floor, then the floor that reaches its tier or any higher one (rules are highest first).
        var effective: [UInt64] = []
        for (index, rule) in rules.enumerated() {
            let own = max(searches[index]?.low ?? 0, rule.atLeast ?? 0)
            effective.append(min(own, effective.last ?? .max))
        }
        let atOrAbove = try await count(effective).counts
        var levels: [TierLevel] = []
        for (index, rule) in rules.enumerated() {
            let above = index > 0 ? atOrAbove[index - 1] : 0
            levels.append(
                TierLevel(
                    tier: rule.tier,
                    rule: rule.text(metric: metric),
                    floor: effective[index],
                    employees: atOrAbove[index] - min(above, atOrAbove[index])
                )
            )
        }
        return TierCutoffs(metric: metric, levels: levels, activeEmployees: active)
    }
}

/// The k-th largest of a multiset of scores, found by counting: the interval `low...high` always holds it
/// (count(≥ low) ≥ k, and count(≥ high + 1) < k unless high is the largest score possible).
struct KthLargestSearch: Sendable {
    let rank: UInt64
    private(set) var low: UInt64 = 0
    private(set) var high: UInt64 = .max

    init(rank: UInt64) {
        self.rank = rank
    }

    var isDone: Bool { low == high }

    private var step: UInt64 { (high - low) / 256 + 1 }

    /// Up to 255 thresholds evenly spaced above `low`, ascending.
    func probes() -> [UInt64] {
        guard !isDone else { return [] }
        let step = self.step
        let count = (high - low) / step
        return (1...count).map { low + step * $0 }
    }

    /// Keeps the sub-interval that holds the k-th largest score, given the counts at `probes`.
    mutating func narrow(probes: [UInt64], counts: [UInt64]) {
        // Counts fall as thresholds rise: the last probe still counting k or more is the new low.
        var best = -1
        for (index, count) in counts.enumerated() where count >= rank { best = index }
        if best + 1 < probes.count { high = probes[best + 1] - 1 }
        if best >= 0 { low = probes[best] }
    }
}
