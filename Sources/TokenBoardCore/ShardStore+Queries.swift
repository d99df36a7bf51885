extension ShardStore {
    /// The shard's top `k` over a window and the shard's totals for it.
    public func top(k: Int, window: Window, anchor: Day, by metric: RankingMetric) -> ShardTop {
        let range = window.range(anchor: anchor)
        var active: UInt64 = 0
        // Candidates are (score, employee index); names are looked up only to break ties.
        let names = employeeNames
        var heap = BoundedHeap<(score: UInt64, employee: Int)>(capacity: k) { a, b in
            a.score != b.score
                ? a.score > b.score : names[a.employee].utf8.lexicographicallyPrecedes(names[b.employee].utf8)
        }
        WindowSums.forEach(columns: days, range: days.indices(of: range), employees: names.count, metric: metric) {
            employee,
            score,
            events in
            guard events > 0 else { return }
            active += 1
            if let weakest = heap.threshold, score < weakest.score { return }
            heap.offer((score, employee))
        }
        var totals = windowTotals(range)
        totals.activeEmployees = active
        let entries = details(of: heap.sorted().map(\.employee), in: range)
        return ShardTop(entries: entries, totals: totals)
    }

    /// How many employees of this shard rank ahead of an employee with `score` and key `employee`, and how many
    /// are active in the window.
    public func rankPosition(
        score: UInt64,
        employee: String,
        window: Window,
        anchor: Day,
        by metric: RankingMetric
    ) -> (ahead: UInt64, active: UInt64) {
        let sums = windowSums(window.range(anchor: anchor), metric: metric)
        var ahead: UInt64 = 0
        var active: UInt64 = 0
        for index in 0..<sums.events.count where sums.events[index] > 0 {
            active += 1
            if RankedEmployee.ranksAhead(
                score: sums.scores[index],
                employee: employeeNames[index],
                ofScore: score,
                employee: employee
            ) {
                ahead += 1
            }
        }
        return (ahead, active)
    }

    /// How many employees of this shard rank ahead of an employee with `score` and key `employee`.
    public func countAhead(score: UInt64, employee: String, window: Window, anchor: Day, by metric: RankingMetric)
        -> UInt64
    {
        rankPosition(score: score, employee: employee, window: window, anchor: anchor, by: metric).ahead
    }

    /// Usage by model over a window (every model with usage, priced or not).
    public func modelTotals(window: Window, anchor: Day) -> [LabeledUsage] {
        let perModel = modelSums(window.range(anchor: anchor))
        var rows: [LabeledUsage] = []
        for (model, totals) in perModel.enumerated() where totals.events > 0 {
            let entry = priceBook.entry(for: modelNames[model])
            rows.append(
                LabeledUsage(
                    label: modelNames[model],
                    counts: totals.counts,
                    cost: totals.cost,
                    priced: entry != nil,
                    provider: entry?.provider ?? "unknown"
                )
            )
        }
        return rows.sorted(by: LabeledUsage.displayOrder)
    }

    /// One employee's usage over a window; nil when the shard has never seen them.
    public func employee(_ name: String, window: Window, anchor: Day) -> EmployeeUsage? {
        guard let index = employees.id(of: name) else { return nil }
        let range = window.range(anchor: anchor)
        var byModel: [UInt16: LabeledUsage] = [:]
        var byTool: [UInt16: LabeledUsage] = [:]
        var byDay: [Int32: LabeledUsage] = [:]
        details.forEachCell(of: Int(index)) { cell in
            guard range.contains(Day(number: cell.day)) else { return }
            let rates = modelRates[Int(cell.model)]
            let cost = rates?.cost(of: cell.counts) ?? 0
            let modelName = modelNames[Int(cell.model)]
            byModel[
                cell.model,
                default: LabeledUsage(
                    label: modelName,
                    counts: .zero,
                    cost: 0,
                    priced: rates != nil,
                    provider: priceBook.provider(for: modelName)
                )
            ]
            .accumulate(cell.counts, cost: cost)
            byTool[cell.tool, default: LabeledUsage(label: toolNames[Int(cell.tool)], counts: .zero, cost: 0)]
                .accumulate(cell.counts, cost: cost)
            byDay[cell.day, default: LabeledUsage(label: Day(number: cell.day).description, counts: .zero, cost: 0)]
                .accumulate(cell.counts, cost: cost)
        }
        return EmployeeUsage(
            summary: detail(of: Int(index), in: range),
            byModel: byModel.values.sorted(by: LabeledUsage.displayOrder),
            byTool: byTool.values.sorted(by: LabeledUsage.displayOrder),
            byDay: byDay.sorted { $0.key < $1.key }.map(\.value)
        )
    }

    // MARK: - Building blocks

    /// Every employee's sum of `metric` over the days of `range`.
    func windowSums(_ range: ClosedRange<Day>, metric: RankingMetric) -> WindowSums {
        WindowSums(columns: days, range: days.indices(of: range), employees: employeeNames.count, metric: metric)
    }

    /// The shard's totals per model over the days of `range`.
    func modelSums(_ range: ClosedRange<Day>) -> [ModelDayTotals] {
        var perModel = [ModelDayTotals](repeating: ModelDayTotals(), count: modelNames.count)
        for c in days.indices(of: range) {
            for (model, day) in days.columns[c].models.enumerated() where day.events > 0 {
                perModel[model].counts.add(day.counts)
                perModel[model].cost = perModel[model].cost.saturatingAdd(day.cost)
                perModel[model].events &+= day.events
            }
        }
        return perModel
    }

    /// The shard's sums over the days of `range` (active employees are counted by the caller).
    func windowTotals(_ range: ClosedRange<Day>) -> WindowTotals {
        var totals = WindowTotals()
        for (model, sum) in modelSums(range).enumerated() where sum.events > 0 {
            totals.counts.add(sum.counts)
            totals.cost = totals.cost.saturatingAdd(sum.cost)
            if modelRates[model] == nil {
                totals.unpricedTokens = totals.unpricedTokens.saturatingAdd(sum.counts.total)
            }
        }
        return totals
    }

    /// One employee's full totals over `range`, from their cells (see `details(of:in:)`).
    func detail(of employee: Int, in range: ClosedRange<Day>) -> RankedEmployee {
        details(of: [employee], in: range)[0]
    }

    /// Employees' full totals over `range`, from their cells, in the order asked: the top K of every query sums
    /// hundreds of employees' cells this way. The employees' chains of cells are read side by side, a group at a
    /// time, so that their cache misses overlap; each employee's counts are summed per model first and each model
    /// is priced once. That is exact, not an estimate: cost is linear in the counts and every sum saturates at
    /// `UInt64.max`, and for non-negative terms a saturating sum is `min(true sum, max)` in any order or grouping
    /// (a count that saturates does so in both ways of summing; times a zero rate it is zero in both).
    func details(of employees: [Int], in range: ClosedRange<Day>) -> [RankedEmployee] {
        let days = range.lowerBound.number...range.upperBound.number
        let models = modelRates.count
        // A shard with very many models would pay for every model per employee: it prices each cell instead.
        let sumsPerModel = models <= Self.modelsSummedPerModel
        let group =
            sumsPerModel
            ? Swift.max(1, Swift.min(Self.detailGroup, Self.detailSums / Swift.max(models, 1))) : Self.detailGroup
        var results: [RankedEmployee] = []
        results.reserveCapacity(employees.count)
        for first in stride(from: 0, to: employees.count, by: group) {
            let members = employees[first..<Swift.min(first + group, employees.count)]
            if sumsPerModel {
                summingPerModel(members, days: days, into: &results)
            } else {
                pricingEachCell(members, days: days, into: &results)
            }
        }
        return results
    }

    /// `details` for one group: each member's counts summed per model (at most `detailSums` entries of 32 bytes
    /// for the group), then each model priced once.
    private func summingPerModel(
        _ members: ArraySlice<Int>,
        days: ClosedRange<Int32>,
        into results: inout [RankedEmployee]
    ) {
        let models = modelRates.count
        withUnsafeTemporaryAllocation(of: TokenCounts.self, capacity: members.count * Swift.max(models, 1)) {
            perModel in
            perModel.initialize(repeating: .zero)
            details.forEachCell(ofEach: members) { i, cell in
                guard days.contains(cell.day) else { return }
                perModel[i * models + Int(cell.model)].add(cell.counts)
            }
            modelRates.withUnsafeBufferPointer { rates in
                for (i, employee) in members.enumerated() {
                    var counts = TokenCounts.zero
                    var cost: UInt64 = 0
                    var unpriced: UInt64 = 0
                    for model in 0..<models {
                        let sum = perModel[i * models + model]
                        counts.add(sum)
                        if let rates = rates[model] {
                            cost = cost.saturatingAdd(rates.cost(of: sum))
                        } else {
                            unpriced = unpriced.saturatingAdd(sum.total)
                        }
                    }
                    results.append(ranked(employee, counts: counts, cost: cost, unpriced: unpriced))
                }
            }
        }
    }

    /// `details` for one group, each cell priced on its own.
    private func pricingEachCell(
        _ members: ArraySlice<Int>,
        days: ClosedRange<Int32>,
        into results: inout [RankedEmployee]
    ) {
        var sums = [(counts: TokenCounts, cost: UInt64, unpriced: UInt64)](
            repeating: (.zero, 0, 0),
            count: members.count
        )
        modelRates.withUnsafeBufferPointer { rates in
            details.forEachCell(ofEach: members) { i, cell in
                guard days.contains(cell.day) else { return }
                sums[i].counts.add(cell.counts)
                if let rates = rates[Int(cell.model)] {
                    sums[i].cost = sums[i].cost.saturatingAdd(rates.cost(of: cell.counts))
                } else {
                    sums[i].unpriced = sums[i].unpriced.saturatingAdd(cell.counts.total)
                }
            }
        }
        for (i, employee) in members.enumerated() {
            results.append(ranked(employee, counts: sums[i].counts, cost: sums[i].cost, unpriced: sums[i].unpriced))
        }
    }

    /// Employees whose chains `details(of:in:)` reads side by side: enough to overlap their cache misses, few
    /// enough that their chunks stay in the CPU's caches between rounds (256 was slower, 24 the same).
    static var detailGroup: Int { 64 }
    /// Per-model sums `details(of:in:)` keeps at once (64 employees with 64 models: 128 KiB).
    static var detailSums: Int { 4096 }

    /// Up to this many models, `details` sums per model (a 32-byte entry each).
    static var modelsSummedPerModel: Int { 512 }

    private func ranked(_ employee: Int, counts: TokenCounts, cost: UInt64, unpriced: UInt64) -> RankedEmployee {
        var result = RankedEmployee(employee: employeeNames[employee], counts: counts, cost: cost)
        result.unpricedTokens = unpriced
        return result
    }
}

extension LabeledUsage {
    fileprivate mutating func accumulate(_ more: TokenCounts, cost more$: UInt64) {
        counts.add(more)
        cost = cost.saturatingAdd(more$)
    }
}
