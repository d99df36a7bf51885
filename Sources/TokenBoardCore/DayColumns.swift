/// Per-employee totals of one UTC day, stored column by column so a window sum is a few contiguous vector adds:
/// the ranking index. Columns are as long as the highest employee id that has usage that day.
struct DayColumn: Sendable {
    var tokens: [UInt64] = []
    var cost: [UInt64] = []
    var output: [UInt64] = []
    var events: [UInt32] = []
    /// The shard's totals for this day per shard-local model id.
    var models: [ModelDayTotals] = []
    /// The largest entry of each column: a window sum of these that does not overflow proves no employee's
    /// sum can, so queries may add without per-element checks.
    var maxTokens: UInt64 = 0
    var maxCost: UInt64 = 0
    var maxOutput: UInt64 = 0

    @inline(__always)
    mutating func addModel(_ model: Int, counts: TokenCounts, cost c: UInt64) {
        if model >= models.count {
            models.append(contentsOf: repeatElement(ModelDayTotals(), count: model + 1 - models.count))
        }
        models[model].counts.add(counts)
        models[model].cost = models[model].cost.saturatingAdd(c)
        models[model].events &+= 1
    }

    @inline(__always)
    mutating func add(employee: Int, tokens t: UInt64, cost c: UInt64, output o: UInt64) {
        if employee >= tokens.count { grow(to: employee + 1) }
        tokens[employee] = tokens[employee].saturatingAdd(t)
        cost[employee] = cost[employee].saturatingAdd(c)
        output[employee] = output[employee].saturatingAdd(o)
        events[employee] = events[employee] &+ 1 == 0 ? .max : events[employee] &+ 1
        maxTokens = Swift.max(maxTokens, tokens[employee])
        maxCost = Swift.max(maxCost, cost[employee])
        maxOutput = Swift.max(maxOutput, output[employee])
    }

    func column(_ metric: RankingMetric) -> [UInt64] {
        switch metric {
        case .tokens: return tokens
        case .cost: return cost
        case .output: return output
        }
    }

    func maximum(_ metric: RankingMetric) -> UInt64 {
        switch metric {
        case .tokens: return maxTokens
        case .cost: return maxCost
        case .output: return maxOutput
        }
    }

    private mutating func grow(to count: Int) {
        // Geometric growth so that a day filling up with new employees costs amortised O(1) per employee.
        let target = Swift.max(count, tokens.count + tokens.count / 2, 64)
        let extra = target - tokens.count
        tokens.append(contentsOf: repeatElement(0, count: extra))
        cost.append(contentsOf: repeatElement(0, count: extra))
        output.append(contentsOf: repeatElement(0, count: extra))
        events.append(contentsOf: repeatElement(0, count: extra))
    }
}

/// The day columns of a shard, indexed by day number from the oldest day seen.
struct DayColumns: Sendable {
    private(set) var firstDay: Int32 = 0
    private(set) var columns: [DayColumn] = []

    /// The longest span of days one shard keeps columns for (ten years); older events are refused.
    static let maxSpan = 3660

    /// Whether days `low...high` can all get columns without the span exceeding `maxSpan`.
    func accepts(low: Int32, high: Int32) -> Bool {
        var first = Int(low)
        var last = Int(high)
        if !columns.isEmpty {
            first = Swift.min(first, Int(firstDay))
            last = Swift.max(last, Int(firstDay) + columns.count - 1)
        }
        return last - first < Self.maxSpan
    }

    /// The column index for `day`, creating columns as needed; nil when that would exceed `maxSpan`.
    @inline(__always)
    mutating func index(for day: Int32) -> Int? {
        if columns.isEmpty {
            firstDay = day
            columns.append(DayColumn())
            return 0
        }
        let offset = Int(day) - Int(firstDay)
        if offset >= 0 && offset < columns.count { return offset }
        if offset >= columns.count {
            guard offset < Self.maxSpan else { return nil }
            columns.append(contentsOf: repeatElement(DayColumn(), count: offset + 1 - columns.count))
            return offset
        }
        guard columns.count - offset <= Self.maxSpan else { return nil }
        columns.insert(contentsOf: repeatElement(DayColumn(), count: -offset), at: 0)
        firstDay = day
        return 0
    }

    @inline(__always)
    mutating func add(columnIndex: Int, employee: Int, model: Int, counts: TokenCounts, cost: UInt64) {
        columns[columnIndex].add(employee: employee, tokens: counts.total, cost: cost, output: counts.output)
        columns[columnIndex].addModel(model, counts: counts, cost: cost)
    }

    /// Column indices of the days in `range` that exist.
    func indices(of range: ClosedRange<Day>) -> Range<Int> {
        guard !columns.isEmpty else { return 0..<0 }
        let low = Swift.max(Int(range.lowerBound.number) - Int(firstDay), 0)
        let high = Swift.min(Int(range.upperBound.number) - Int(firstDay), columns.count - 1)
        return low <= high ? low..<(high + 1) : 0..<0
    }

    /// Bytes held, for the store's memory accounting.
    var byteCount: Int {
        columns.reduce(0) { $0 + $1.tokens.capacity * 28 + $1.models.capacity * MemoryLayout<ModelDayTotals>.stride }
    }
}

/// Every employee's sum of one metric over a window, and their events in it (0 means not active).
struct WindowSums {
    var scores: [UInt64]
    var events: [UInt32]

    /// Sums `metric` and events over `columns`. When the columns' maxima prove no sum can overflow, the loops
    /// are plain adds the compiler vectorises; otherwise every add saturates.
    init(columns: ArraySlice<DayColumn>, employees: Int, metric: RankingMetric) {
        scores = Array(repeating: 0, count: employees)
        events = Array(repeating: 0, count: employees)
        var bound: UInt64 = 0
        var safe = true
        for column in columns {
            let (next, overflow) = bound.addingReportingOverflow(column.maximum(metric))
            bound = next
            if overflow { safe = false }
        }
        for column in columns {
            let source = column.column(metric)
            let n = min(source.count, employees)
            scores.withUnsafeMutableBufferPointer { acc in
                source.withUnsafeBufferPointer { col in
                    if safe {
                        for i in 0..<n { acc[i] &+= col[i] }
                    } else {
                        for i in 0..<n { acc[i] = acc[i].saturatingAdd(col[i]) }
                    }
                }
            }
            events.withUnsafeMutableBufferPointer { acc in
                column.events.withUnsafeBufferPointer { col in
                    // Events only mark activity: saturate, since 2^32 events in a window is conceivable.
                    for i in 0..<n {
                        let (sum, overflow) = acc[i].addingReportingOverflow(col[i])
                        acc[i] = overflow ? .max : sum
                    }
                }
            }
        }
    }
}
