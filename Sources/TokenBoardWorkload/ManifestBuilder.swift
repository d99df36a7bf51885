import TokenBoardCore

/// Accumulates events into a `Manifest`: exact integer sums per company, model, tool, day and employee, each
/// event costed on its own with `PriceBook.entry(for:)?.rates.cost(of:)`.
///
/// Memory grows with the distinct employees, models, tools and days, never with the events.
public struct ManifestBuilder {
    private struct Sums {
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

    private struct Model {
        var name: String
        var provider: String
        var rates: Rates?
        var sums = Sums()
    }

    private let priceBook: PriceBook
    private var modelIndex: [String: Int] = [:]
    private var models: [Model] = []
    private var employeeIndex: [String: Int] = [:]
    private var employees: [(key: String, sums: Sums)] = []
    private var tools: [String: Sums] = [:]
    private var days: [Day: Sums] = [:]
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
        let model: Int
        if let known = modelIndex[event.model] {
            model = known
        } else {
            model = models.count
            modelIndex[event.model] = model
            let entry = priceBook.entry(for: event.model)
            models.append(Model(name: event.model, provider: entry?.provider ?? "unknown", rates: entry?.rates))
        }
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
        tools[event.tool, default: Sums()].add(counts, cost: cost, unpriced: unpriced)
        days[event.day, default: Sums()].add(counts, cost: cost, unpriced: unpriced)
        totals.add(counts, cost: cost, unpriced: unpriced)
        first = min(first ?? event.timestampMillis, event.timestampMillis)
        last = max(last ?? event.timestampMillis, event.timestampMillis)
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
        let byTool = tools.map { usage($0.key, $0.value) }
            .sorted { costOrder(($0.cost, $0.tokens, $0.label), ($1.cost, $1.tokens, $1.label)) }
        let byDay = days.sorted { $0.key < $1.key }.map { usage($0.key.description, $0.value) }
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
            Manifest.TopRow(rank: $0.offset + 1, employee: $0.element.employee, tokens: $0.element.tokens, cost: $0.element.cost)
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
