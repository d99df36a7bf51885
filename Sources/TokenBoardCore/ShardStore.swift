/// The exact counters of one shard: for every employee, one cell of token counts and cost per (UTC day, model,
/// tool) they used. Windows, rankings and breakdowns are sums over cells, so nothing is approximated.
///
/// A value type with no locking of its own: a worker keeps it behind one lock and applies whole batches.
public struct ShardStore: Sendable {
    public let priceBook: PriceBook

    private var employeeNames: [String] = []
    private var employeeIndex: [String: Int32] = [:]
    private var cells: [[UsageCell]] = []

    private var modelNames: [String] = []
    private var modelIndex: [String: UInt16] = [:]
    private var modelRates: [Rates?] = []
    private var toolNames: [String] = []
    private var toolIndex: [String: UInt16] = [:]

    public private(set) var newestDay: Day?
    public private(set) var oldestDay: Day?
    public private(set) var eventCount: UInt64 = 0
    public private(set) var batchCount: UInt64 = 0
    public private(set) var cellCount: UInt64 = 0

    public init(priceBook: PriceBook) {
        self.priceBook = priceBook
    }

    public var employeeCount: Int { employeeNames.count }

    // MARK: - Ingest

    /// Validates and applies a whole batch, or nothing of it. Returns the number of events applied.
    @discardableResult
    public mutating func apply(_ batch: EventBatch) throws(BatchError) -> Int {
        try batch.validate()
        let newModels = batch.models.filter { modelIndex[$0] == nil }.count
        let newTools = batch.tools.filter { toolIndex[$0] == nil }.count
        guard modelNames.count + newModels <= Int(UInt16.max), toolNames.count + newTools <= Int(UInt16.max) else {
            throw BatchError(eventIndex: nil, reason: "this shard already tracks 65,535 distinct models or tools")
        }
        let employees = batch.employees.map { internEmployee($0) }
        let models = batch.models.map { internModel($0) }
        let tools = batch.tools.map { internTool($0) }

        var newest = newestDay?.number ?? .min
        var oldest = oldestDay?.number ?? .max
        for event in batch.events {
            let day = Day(timestampMillis: event.timestampMillis).number
            newest = max(newest, day)
            oldest = min(oldest, day)
            let model = models[Int(event.model)]
            let cost = modelRates[Int(model)]?.cost(of: event.counts) ?? 0
            let key = UsageCell.key(day: day, model: model, tool: tools[Int(event.tool)])
            add(event.counts, cost: cost, key: key, to: Int(employees[Int(event.employee)]))
        }
        if !batch.events.isEmpty {
            newestDay = Day(number: newest)
            oldestDay = Day(number: oldest)
        }
        eventCount &+= UInt64(batch.events.count)
        batchCount &+= 1
        return batch.events.count
    }

    @inline(__always)
    private mutating func add(_ counts: TokenCounts, cost: UInt64, key: UInt64, to employee: Int) {
        // Cells arrive mostly in time order, so the matching cell is almost always among the last few.
        let found: Int? = cells[employee].withUnsafeBufferPointer { list in
            var i = list.count - 1
            while i >= 0 {
                if list[i].key == key { return i }
                i -= 1
            }
            return nil
        }
        if let found {
            cells[employee][found].counts.add(counts)
            cells[employee][found].cost = cells[employee][found].cost.saturatingAdd(cost)
        } else {
            cells[employee].append(UsageCell(key: key, counts: counts, cost: cost))
            cellCount &+= 1
        }
    }

    private mutating func internEmployee(_ name: String) -> Int32 {
        if let known = employeeIndex[name] { return known }
        let id = Int32(employeeNames.count)
        employeeIndex[name] = id
        employeeNames.append(name)
        cells.append([])
        return id
    }

    private mutating func internModel(_ name: String) -> UInt16 {
        if let known = modelIndex[name] { return known }
        let id = UInt16(modelNames.count)
        modelIndex[name] = id
        modelNames.append(name)
        modelRates.append(priceBook.entry(for: name)?.rates)
        return id
    }

    private mutating func internTool(_ name: String) -> UInt16 {
        if let known = toolIndex[name] { return known }
        let id = UInt16(toolNames.count)
        toolIndex[name] = id
        toolNames.append(name)
        return id
    }

    // MARK: - Queries

    /// The shard's top `k` over a window and the shard's totals for it.
    public func top(k: Int, window: Window, anchor: Day, by metric: RankingMetric) -> ShardTop {
        let range = window.range(anchor: anchor)
        var heap = BoundedHeap(capacity: max(k, 1), metric: metric)
        var totals = WindowTotals()
        let unpriced = modelRates.map { $0 == nil }
        for employee in 0..<employeeNames.count {
            guard let sum = windowSum(employee, range: range, unpriced: unpriced) else { continue }
            totals.counts.add(sum.counts)
            totals.cost = totals.cost.saturatingAdd(sum.cost)
            totals.unpricedTokens = totals.unpricedTokens.saturatingAdd(sum.unpricedTokens)
            totals.activeEmployees += 1
            guard k > 0 else { continue }
            let score = sum.score(metric)
            if let weakest = heap.threshold,
                !RankedEmployee.ranksAhead(
                    score: score,
                    employee: employeeNames[employee],
                    ofScore: weakest.score(metric),
                    employee: weakest.employee
                )
            {
                continue
            }
            heap.offer(
                RankedEmployee(
                    employee: employeeNames[employee],
                    counts: sum.counts,
                    cost: sum.cost,
                    unpricedTokens: sum.unpricedTokens
                )
            )
        }
        return ShardTop(entries: k > 0 ? heap.sorted() : [], totals: totals)
    }

    /// How many employees of this shard rank ahead of an employee with `score` and key `employee`.
    public func countAhead(score: UInt64, employee: String, window: Window, anchor: Day, by metric: RankingMetric)
        -> UInt64
    {
        let range = window.range(anchor: anchor)
        let unpriced = modelRates.map { $0 == nil }
        var ahead: UInt64 = 0
        for index in 0..<employeeNames.count {
            guard let sum = windowSum(index, range: range, unpriced: unpriced) else { continue }
            if RankedEmployee.ranksAhead(
                score: sum.score(metric),
                employee: employeeNames[index],
                ofScore: score,
                employee: employee
            ) {
                ahead += 1
            }
        }
        return ahead
    }

    /// Usage by model over a window (every model with usage, priced or not).
    public func modelTotals(window: Window, anchor: Day) -> [LabeledUsage] {
        let range = window.range(anchor: anchor)
        var counts = [TokenCounts](repeating: .zero, count: modelNames.count)
        var costs = [UInt64](repeating: 0, count: modelNames.count)
        var used = [Bool](repeating: false, count: modelNames.count)
        for list in cells {
            for cell in list where range.contains(Day(number: cell.day)) {
                let model = Int(cell.model)
                counts[model].add(cell.counts)
                costs[model] = costs[model].saturatingAdd(cell.cost)
                used[model] = true
            }
        }
        var rows: [LabeledUsage] = []
        for model in 0..<modelNames.count where used[model] {
            let entry = priceBook.entry(for: modelNames[model])
            rows.append(
                LabeledUsage(
                    label: modelNames[model],
                    counts: counts[model],
                    cost: costs[model],
                    priced: entry != nil,
                    provider: entry?.provider ?? "unknown"
                )
            )
        }
        return rows.sorted(by: LabeledUsage.displayOrder)
    }

    /// One employee's usage over a window; nil when the shard has never seen them.
    public func employee(_ name: String, window: Window, anchor: Day) -> EmployeeUsage? {
        guard let index = employeeIndex[name] else { return nil }
        let range = window.range(anchor: anchor)
        var byModel: [UInt16: LabeledUsage] = [:]
        var byTool: [UInt16: LabeledUsage] = [:]
        var byDay: [Int32: LabeledUsage] = [:]
        var summary = RankedEmployee(employee: name, counts: .zero, cost: 0)
        for cell in cells[Int(index)] where range.contains(Day(number: cell.day)) {
            let priced = modelRates[Int(cell.model)] != nil
            summary.counts.add(cell.counts)
            summary.cost = summary.cost.saturatingAdd(cell.cost)
            if !priced { summary.unpricedTokens = summary.unpricedTokens.saturatingAdd(cell.counts.total) }
            let modelName = modelNames[Int(cell.model)]
            byModel[cell.model, default: LabeledUsage(
                label: modelName, counts: .zero, cost: 0, priced: priced,
                provider: priceBook.provider(for: modelName))]
                .accumulate(cell)
            byTool[cell.tool, default: LabeledUsage(label: toolNames[Int(cell.tool)], counts: .zero, cost: 0)]
                .accumulate(cell)
            byDay[cell.day, default: LabeledUsage(label: Day(number: cell.day).description, counts: .zero, cost: 0)]
                .accumulate(cell)
        }
        return EmployeeUsage(
            summary: summary,
            byModel: byModel.values.sorted(by: LabeledUsage.displayOrder),
            byTool: byTool.values.sorted(by: LabeledUsage.displayOrder),
            byDay: byDay.sorted { $0.key < $1.key }.map(\.value)
        )
    }

    public var stats: ShardStats {
        ShardStats(
            employees: UInt64(employeeNames.count),
            events: eventCount,
            batches: batchCount,
            cells: cellCount,
            newestDay: newestDay,
            oldestDay: oldestDay
        )
    }

    private struct Sum {
        var counts = TokenCounts.zero
        var cost: UInt64 = 0
        var unpricedTokens: UInt64 = 0

        @inline(__always) func score(_ metric: RankingMetric) -> UInt64 {
            switch metric {
            case .tokens: return counts.total
            case .cost: return cost
            case .output: return counts.output
            }
        }
    }

    @inline(__always)
    private func windowSum(_ employee: Int, range: ClosedRange<Day>, unpriced: [Bool]) -> Sum? {
        let low = range.lowerBound.number
        let high = range.upperBound.number
        return cells[employee].withUnsafeBufferPointer { list -> Sum? in
            var sum = Sum()
            var any = false
            for cell in list {
                let day = cell.day
                guard day >= low && day <= high else { continue }
                any = true
                sum.counts.add(cell.counts)
                sum.cost = sum.cost.saturatingAdd(cell.cost)
                if unpriced[Int(cell.model)] {
                    sum.unpricedTokens = sum.unpricedTokens.saturatingAdd(cell.counts.total)
                }
            }
            return any ? sum : nil
        }
    }
}

/// One employee's counters for one (day, model, tool): 48 bytes.
struct UsageCell: Sendable {
    /// Day in the high 32 bits, shard-local model id and tool id in the low 32.
    var key: UInt64
    var counts: TokenCounts
    var cost: UInt64

    @inline(__always) static func key(day: Int32, model: UInt16, tool: UInt16) -> UInt64 {
        UInt64(UInt32(bitPattern: day)) << 32 | UInt64(model) << 16 | UInt64(tool)
    }

    @inline(__always) var day: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)) }
    @inline(__always) var model: UInt16 { UInt16(truncatingIfNeeded: key >> 16) }
    @inline(__always) var tool: UInt16 { UInt16(truncatingIfNeeded: key) }
}

extension LabeledUsage {
    fileprivate mutating func accumulate(_ cell: UsageCell) {
        counts.add(cell.counts)
        cost = cost.saturatingAdd(cell.cost)
    }
}
