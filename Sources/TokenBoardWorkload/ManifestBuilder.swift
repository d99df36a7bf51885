import TokenBoardCore

/// Accumulates events into a `Manifest`: exact integer sums per company, model, tool, day and employee, each
/// event costed on its own with `PriceBook.entry(for:)?.rates.cost(of:)`.
///
/// Memory grows with the distinct employees, models, tools and days, never with the events.
public struct ManifestBuilder: Sendable {
    private struct Sums: Sendable {
        var events = 0
        var counts = TokenCounts()
        var cost: UInt64 = 0
        var unpricedTokens: UInt64 = 0

        mutating func add(_ counts: TokenCounts, cost: UInt64, unpriced: UInt64) {
            events += 1
            self.counts.add(counts)
            self.cost = self.cost.saturatingAdd(cost)
            unpricedTokens = unpricedTokens.saturatingAdd(unpriced)
        }
    }

    private struct Model: Sendable {
        var name: String
        var provider: String
        var rates: Rates?
        var sums = Sums()
    }

    private let priceBook: PriceBook
    // Models and tools are few and repeat from event to event: a short list scanned from the last hit beats
    // hashing the name every time. Days come in runs, so the last one is remembered too.
    private var models: [Model] = []
    private var modelIndex: [String: Int] = [:]
    private var lastModel = 0
    private var tools: [(name: String, sums: Sums)] = []
    private var toolIndex: [String: Int] = [:]
    private var lastTool = 0
    private var employeeIndex: [String: Int] = [:]
    private var employees: [(key: String, sums: Sums)] = []
    private var days: [(day: Day, sums: Sums)] = []
    private var dayIndex: [Day: Int] = [:]
    private var lastDay = 0
    private var totals = Sums()
    private var first: Int64?
    private var last: Int64?

    /// A builder that prices events with `priceBook`.
    public init(priceBook: PriceBook) {
        self.priceBook = priceBook
    }

    /// Events added so far.
    public var events: Int { totals.events }

    /// Counts one event.
    public mutating func add(_ event: UsageEvent) {
        let model = modelSlot(event.model)
        let counts = event.counts
        let cost: UInt64
        let unpriced: UInt64
        if let rates = models[model].rates {
            cost = rates.cost(of: counts)
            unpriced = 0
        } else {
            cost = 0
            unpriced = counts.total
        }
        models[model].sums.add(counts, cost: cost, unpriced: unpriced)
        if let known = employeeIndex[event.employee] {
            employees[known].sums.add(counts, cost: cost, unpriced: unpriced)
        } else {
            employeeIndex[event.employee] = employees.count
            var sums = Sums()
            sums.add(counts, cost: cost, unpriced: unpriced)
            employees.append((event.employee, sums))
        }
        tools[toolSlot(event.tool)].sums.add(counts, cost: cost, unpriced: unpriced)
        days[daySlot(event.day)].sums.add(counts, cost: cost, unpriced: unpriced)
        totals.add(counts, cost: cost, unpriced: unpriced)
        first = min(first ?? event.timestampMillis, event.timestampMillis)
        last = max(last ?? event.timestampMillis, event.timestampMillis)
    }

    private mutating func modelSlot(_ name: String) -> Int {
        if lastModel < models.count && models[lastModel].name == name { return lastModel }
        if let known = modelIndex[name] {
            lastModel = known
            return known
        }
        let entry = priceBook.entry(for: name)
        models.append(Model(name: name, provider: entry?.provider ?? "unknown", rates: entry?.rates))
        lastModel = models.count - 1
        modelIndex[name] = lastModel
        return lastModel
    }

    private mutating func toolSlot(_ name: String) -> Int {
        if lastTool < tools.count && tools[lastTool].name == name { return lastTool }
        if let known = toolIndex[name] {
            lastTool = known
            return known
        }
        tools.append((name, Sums()))
        lastTool = tools.count - 1
        toolIndex[name] = lastTool
        return lastTool
    }

    private mutating func daySlot(_ day: Day) -> Int {
        if lastDay < days.count && days[lastDay].day == day { return lastDay }
        if let known = dayIndex[day] {
            lastDay = known
            return known
        }
        days.append((day, Sums()))
        lastDay = days.count - 1
        dayIndex[day] = lastDay
        return lastDay
    }

    /// The manifest of everything added. `config` and `exponent` are echoed for a generated log.
    public func build(config: WorkloadConfig? = nil, exponent: Double? = nil) -> Manifest {
        func usage(_ label: String, _ sums: Sums) -> Manifest.Usage {
            Manifest.Usage(
                label: label,
                events: sums.events,
                counts: sums.counts,
                cost: sums.cost,
                unpricedTokens: sums.unpricedTokens
            )
        }
        // The same order LabeledUsage.displayOrder gives the cluster's answers.
        func costOrder(_ a: (cost: UInt64, tokens: UInt64, label: String), _ b: (UInt64, UInt64, String)) -> Bool {
            if a.cost != b.0 { return a.cost > b.0 }
            if a.tokens != b.1 { return a.tokens > b.1 }
            return a.label < b.2
        }
        let byModel = models.map { model in
            Manifest.ModelRow(
                model: model.name,
                provider: model.provider,
                priced: model.rates != nil,
                events: model.sums.events,
                counts: model.sums.counts,
                cost: model.sums.cost
            )
        }
        .sorted { costOrder(($0.cost, $0.tokens, $0.model), ($1.cost, $1.tokens, $1.model)) }
        let byTool = tools.map { usage($0.name, $0.sums) }
            .sorted { costOrder(($0.cost, $0.tokens, $0.label), ($1.cost, $1.tokens, $1.label)) }
        let byDay = days.sorted { $0.day < $1.day }.map { usage($0.day.description, $0.sums) }
        let rows = employees.map { entry in
            Manifest.EmployeeRow(
                employee: entry.key,
                events: entry.sums.events,
                counts: entry.sums.counts,
                cost: entry.sums.cost,
                unpricedTokens: entry.sums.unpricedTokens
            )
        }
        .sorted { $0.employee.utf8.lexicographicallyPrecedes($1.employee.utf8) }
        let top = TopK.select(rows.lazy.map(\.ranked), k: Manifest.boardSize, by: .tokens).enumerated().map {
            Manifest.TopRow(
                rank: $0.offset + 1,
                employee: $0.element.employee,
                tokens: $0.element.tokens,
                cost: $0.element.cost
            )
        }
        return Manifest(
            config: config,
            exponent: exponent,
            events: totals.events,
            employeeCount: rows.count,
            firstTimestampMillis: first,
            lastTimestampMillis: last,
            totals: usage("total", totals),
            byModel: byModel,
            byTool: byTool,
            byDay: byDay,
            employees: rows,
            top: top
        )
    }
}
