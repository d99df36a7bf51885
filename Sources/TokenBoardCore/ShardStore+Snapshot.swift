/// A store's complete state as bytes, and back: the body of a worker's snapshot file. Day columns are written as
/// each day's own totals (the difference from the day before) rather than running totals, so an employee idle on
/// a day contributes zeros, which compress to almost nothing.
///
/// Costs are kept as they were computed at ingest, under the prices of that time; a store loaded with a newer
/// price book prices only what arrives after the load with it.
extension ShardStore {
    /// Version of the layout below; a snapshot of another version is refused, never misread.
    /// Version 2 added session spans; version 3 their request counts, sums and gaps, and the active-hour masks;
    /// version 4 writes day columns only for days with events, each with its day (before, one per day from the
    /// first). Older snapshots still load: version 1 with no sessions, version 2 with runs whose cadence is unknown
    /// (never idle) and no hour masks, versions 1 to 3 with their columns of days without events dropped.
    public static let snapshotVersion: UInt32 = 4

    private static let maxNames = 1 << 28

    /// The store's state in snapshot layout; `layout` below the current version writes what an older build
    /// reads (for a downgrade, and the compatibility tests), leaving out what that layout cannot hold.
    public func snapshot(layout: UInt32 = ShardStore.snapshotVersion) -> [UInt8] {
        precondition((1...Self.snapshotVersion).contains(layout), "no snapshot layout \(layout)")
        var out = BinaryWriter(reservingCapacity: Int(cellCount) * 40 + days.columns.count * employeeCount * 8)
        out.write(layout)
        out.write(eventCount)
        out.write(batchCount)
        out.write(duplicateEventCount)
        out.write(newestDay?.number ?? 0)
        out.write(UInt8(newestDay == nil ? 0 : 1))
        out.write(oldestDay?.number ?? 0)
        out.write(UInt8(oldestDay == nil ? 0 : 1))

        for names in [employeeNames, modelNames, toolNames] {
            out.write(UInt64(names.count))
            for name in names { out.write(name) }
        }

        for employee in 0..<employeeCount {
            let list = details.sortedCells(of: employee)
            out.write(UInt32(list.count))
            for cell in list {
                out.write(cell.key)
                out.write(cell.counts.input)
                out.write(cell.counts.output)
                out.write(cell.counts.cacheWrite)
                out.write(cell.counts.cacheRead)
            }
        }

        var previous: PagedArray<RunningTotals> = []
        if layout >= 4 {
            out.write(UInt64(days.columns.count))
            for (day, column) in zip(days.days, days.columns) {
                out.write(day)
                Self.write(column, after: previous, to: &out)
                previous = column.totals
            }
        } else {
            // One column per day from the first: a day without events repeats the running totals before it.
            let first = days.days.first ?? 0
            let count = days.days.last.map { Int($0) - Int(first) + 1 } ?? 0
            out.write(first)
            out.write(UInt64(count))
            var next = 0
            for offset in 0..<count {
                var column = DayColumn(totals: previous, models: [])
                if days.days[next] == first + Int32(offset) {
                    column = days.columns[next]
                    next += 1
                }
                Self.write(column, after: previous, to: &out)
                previous = column.totals
            }
        }

        let remembered = producers.remembered
        out.write(UInt64(remembered.count))
        for (producer, sequence) in remembered {
            out.write(producer)
            out.write(sequence)
        }
        out.write(UInt64(recentEventKeys.capacity))
        out.write(contentsOf: recentEventKeys.keysInArrivalOrder)

        guard layout >= 2 else { return out.bytes }
        out.write(UInt64(sessions.capacity))
        out.write(UInt64(sessions.count))
        for span in sessions.spans {
            out.write(span.employee)
            out.write(span.run.session)
            out.write(span.run.first)
            out.write(span.run.last)
            guard layout >= 3 else { continue }
            out.write(span.run.requests)
            out.write(span.run.tokens)
            out.write(span.run.output)
            out.write(span.run.cost)
            out.write(span.run.minGap)
            out.write(span.run.maxGap)
        }

        guard layout >= 3 else { return out.bytes }
        out.write(UInt64(employeeCount))
        for employee in 0..<employeeCount {
            let list = days.hourMasks(of: employee)
            out.write(UInt32(list.count))
            for entry in list {
                out.write(entry.day)
                out.write(entry.hours)
            }
        }
        return out.bytes
    }

    /// The store a snapshot holds, pricing new events with `priceBook`. Throws on any inconsistency (the caller
    /// checks the checksum first; this guards against a snapshot of another layout or a bug, never trusts it).
    /// With a `spillFile`, the past days are moved there at once (`movePastDays`).
    public init(
        snapshot bytes: [UInt8],
        priceBook: PriceBook,
        spillFile: SpillFile? = nil
    ) throws(BinaryReader.Malformed) {
        var input = BinaryReader(bytes)
        let version = try input.read(UInt32.self)
        guard (1...Self.snapshotVersion).contains(version) else {
            throw input.malformed("snapshot layout version \(version); this build reads \(Self.snapshotVersion)")
        }
        let events = try input.read(UInt64.self)
        let batches = try input.read(UInt64.self)
        let duplicates = try input.read(UInt64.self)
        let newest = try input.read(Int32.self)
        let hasNewest = try input.read(UInt8.self) != 0
        let oldest = try input.read(Int32.self)
        let hasOldest = try input.read(UInt8.self) != 0

        var tables: [[String]] = []
        for _ in 0..<3 {
            let count = try input.readCount(limit: min(Self.maxNames, input.remaining / 4))
            var names: [String] = []
            names.reserveCapacity(count)
            for _ in 0..<count { names.append(try input.read(String.self)) }
            tables.append(names)
        }
        let (employees, models, tools) = (tables[0], tables[1], tables[2])
        guard models.count <= Int(UInt16.max), tools.count <= Int(UInt16.max) else {
            throw input.malformed("more than 65,535 models or tools")
        }

        var cells: [[UsageCell]] = []
        cells.reserveCapacity(employees.count)
        var cellTotal: UInt64 = 0
        for _ in 0..<employees.count {
            let count = Int(try input.read(UInt32.self))
            guard count <= input.remaining / 40 else { throw input.malformed("cell list longer than the input") }
            var list: [UsageCell] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                let key = try input.read(UInt64.self)
                let counts = TokenCounts(
                    input: try input.read(),
                    output: try input.read(),
                    cacheWrite: try input.read(),
                    cacheRead: try input.read()
                )
                let cell = UsageCell(key: key, counts: counts)
                guard Int(cell.model) < models.count, Int(cell.tool) < tools.count else {
                    throw input.malformed("cell names model \(cell.model) or tool \(cell.tool) beyond the tables")
                }
                list.append(cell)
            }
            cellTotal += UInt64(count)
            cells.append(list)
        }

        var columns = DayColumns()
        var columnDays: [Int32] = []
        var restored: [DayColumn] = []
        var previous: PagedArray<RunningTotals> = []
        if version >= 4 {
            let columnCount = try input.readCount(limit: DayColumns.maxSpan)
            for _ in 0..<columnCount {
                let day = try input.read(Int32.self)
                if let last = columnDays.last, day <= last || Int(day) - Int(columnDays[0]) >= DayColumns.maxSpan {
                    throw input.malformed("day columns out of order or spanning more than \(DayColumns.maxSpan) days")
                }
                let column = try Self.readColumn(
                    after: previous,
                    employees: employees.count,
                    models: models.count,
                    &input
                )
                columnDays.append(day)
                restored.append(column)
                previous = column.totals
            }
        } else {
            let firstDay = try input.read(Int32.self)
            let columnCount = try input.readCount(limit: DayColumns.maxSpan)
            for offset in 0..<columnCount {
                let column = try Self.readColumn(
                    after: previous,
                    employees: employees.count,
                    models: models.count,
                    &input
                )
                // A day without events holds the running totals before it: no column of its own any more.
                let hadEvents = column.models.contains { $0.events > 0 } || column.totals != previous
                if hadEvents {
                    columnDays.append(firstDay &+ Int32(offset))
                    restored.append(column)
                }
                previous = column.totals
            }
        }
        columns.restore(days: columnDays, columns: restored)

        var producers = ProducerSequences()
        let producerCount = try input.readCount(limit: input.remaining / 16)
        for _ in 0..<producerCount {
            let producer = try input.read(UInt64.self)
            producers.restore(producer: producer, sequence: try input.read(UInt64.self))
        }
        let window = try input.readCount(limit: 1 << 30)
        guard window > 0 else { throw input.malformed("event id window of 0") }
        let keys = try input.readArray(of: UInt64.self)
        guard keys.count <= window else { throw input.malformed("more event ids than the window holds") }
        var sessionCapacity = SessionSpans.defaultCapacity
        var spans: [SessionSpans.Span] = []
        if version >= 2 {
            sessionCapacity = try input.readCount(limit: 1 << 30)
            let spanSize = version >= 3 ? 72 : 28
            let count = try input.readCount(limit: min(sessionCapacity, input.remaining / spanSize))
            spans.reserveCapacity(count)
            for _ in 0..<count {
                let employee = try input.read(Int32.self)
                var run = SessionSpans.Run(session: try input.read(), first: try input.read(), last: try input.read())
                if version >= 3 {
                    run.requests = try input.read()
                    run.tokens = try input.read()
                    run.output = try input.read()
                    run.cost = try input.read()
                    let minGap = try input.read(Int64.self)
                    let maxGap = try input.read(Int64.self)
                    guard SessionSpans.Run.isPlausible(minGap: minGap, maxGap: maxGap) else {
                        throw input.malformed("session run gaps \(minGap) and \(maxGap) are out of range")
                    }
                    run.minGap = minGap
                    run.maxGap = maxGap
                } else {
                    run.minGap = 0
                }
                let span = SessionSpans.Span(employee: employee, run: run)
                guard span.employee >= 0, Int(span.employee) < employees.count, run.first <= run.last,
                    spans.last.map({ $0.employee <= span.employee }) ?? true
                else {
                    throw input.malformed("session span of employee \(span.employee) is out of range or order")
                }
                spans.append(span)
            }
        }
        if version >= 3 {
            // Each mask goes into its day's column, which the employee must have events in.
            let lists = try input.readCount(limit: employees.count)
            for employee in 0..<lists {
                let count = Int(try input.read(UInt32.self))
                guard count <= input.remaining / 8 else { throw input.malformed("hour list longer than the input") }
                var previousDay = Int32.min
                for position in 0..<count {
                    let entry = HourMask(day: try input.read(), hours: try input.read())
                    guard entry.hours >> 24 == 0, position == 0 || previousDay < entry.day else {
                        throw input.malformed("hour mask of day \(entry.day) is out of range or order")
                    }
                    guard columns.restore(entry, of: employee) else {
                        throw input.malformed(
                            "hour mask of employee \(employee) on day \(entry.day), a day without their events"
                        )
                    }
                    previousDay = entry.day
                }
            }
        }
        guard input.remaining == 0 else { throw input.malformed("\(input.remaining) bytes after the end") }

        self.init(
            priceBook: priceBook,
            eventKeyWindow: window,
            sessionCapacity: sessionCapacity,
            spillFile: spillFile
        )
        sessions.restore(spans, employees: employees.count)
        for list in cells { details.restoreEmployee(cells: list) }
        for key in keys { _ = recentEventKeys.insert(key) }
        for (i, name) in employees.enumerated() where self.employees.intern(name) != Int32(i) {
            throw BinaryReader.Malformed(offset: 0, reason: "employee \(name) appears twice")
        }
        for (i, name) in models.enumerated() { modelIndex[name] = UInt16(i) }
        for (i, name) in tools.enumerated() { toolIndex[name] = UInt16(i) }
        guard modelIndex.count == models.count, toolIndex.count == tools.count else {
            throw BinaryReader.Malformed(offset: 0, reason: "a name appears twice in a table")
        }
        modelNames = models
        modelRates = models.map { priceBook.entry(for: $0)?.rates }
        toolNames = tools
        self.days = columns
        movePastDays()
        self.producers = producers
        eventCount = events
        batchCount = batches
        cellCount = cellTotal
        duplicateEventCount = duplicates
        newestDay = hasNewest ? Day(number: newest) : nil
        oldestDay = hasOldest ? Day(number: oldest) : nil
    }

    /// One field of each employee's own totals for a day: the column's running totals minus the day before's.
    /// One day column: each employee's totals of that day alone (the difference from the column before), then the
    /// day's totals per model.
    private static func write(
        _ column: DayColumn,
        after previous: PagedArray<RunningTotals>,
        to out: inout BinaryWriter
    ) {
        let totals = column.totals
        out.write(contentsOf: delta(totals, previous, \.tokens))
        out.write(contentsOf: delta(totals, previous, \.cost))
        out.write(contentsOf: delta(totals, previous, \.output))
        out.write(contentsOf: delta(totals, previous, \.events))
        out.write(UInt64(column.models.count))
        for model in column.models {
            out.write(model.counts.input)
            out.write(model.counts.output)
            out.write(model.counts.cacheWrite)
            out.write(model.counts.cacheRead)
            out.write(model.cost)
            out.write(model.events)
        }
    }

    /// Reads what `write(_:after:to:)` wrote, back to running totals.
    private static func readColumn(
        after previous: PagedArray<RunningTotals>,
        employees: Int,
        models: Int,
        _ input: inout BinaryReader
    ) throws(BinaryReader.Malformed) -> DayColumn {
        var column = DayColumn()
        let tokens = try input.readArray(of: UInt64.self)
        let cost = try input.readArray(of: UInt64.self)
        let output = try input.readArray(of: UInt64.self)
        let eventCounts = try input.readArray(of: UInt32.self)
        let n = tokens.count
        guard cost.count == n, output.count == n, eventCounts.count == n, n <= 2 * employees + 64 else {
            throw input.malformed("day column lengths disagree")
        }
        column.totals = PagedArray(
            (0..<n).lazy.map { e in
                // Each day's own totals are stored; the column holds running totals.
                let base = e < previous.count ? previous[e] : RunningTotals()
                return RunningTotals(
                    tokens: base.tokens &+ tokens[e],
                    cost: base.cost &+ cost[e],
                    output: base.output &+ output[e],
                    events: base.events &+ eventCounts[e]
                )
            }
        )
        let modelCount = try input.readCount(limit: models)
        column.models.reserveCapacity(modelCount)
        for _ in 0..<modelCount {
            var totals = ModelDayTotals()
            totals.counts = TokenCounts(
                input: try input.read(),
                output: try input.read(),
                cacheWrite: try input.read(),
                cacheRead: try input.read()
            )
            totals.cost = try input.read()
            totals.events = try input.read()
            column.models.append(totals)
        }
        return column
    }

    private static func delta<T: FixedWidthInteger>(
        _ current: PagedArray<RunningTotals>,
        _ previous: PagedArray<RunningTotals>,
        _ field: KeyPath<RunningTotals, T>
    ) -> [T] {
        current.indices.map { e in
            current[e][keyPath: field] &- (e < previous.count ? previous[e][keyPath: field] : 0)
        }
    }
}
