/// One employee's running totals up to and including one day, in wrapping arithmetic, and their active hours on
/// that day: 32 bytes, so the ingest path updates all of them with one memory access.
struct RunningTotals: Sendable, Hashable {
    var tokens: UInt64 = 0
    var cost: UInt64 = 0
    var output: UInt64 = 0
    var events: UInt32 = 0
    /// The employee's active UTC hours on this column's day alone (bit h: an event in hour h), for the
    /// around-the-clock signal: not a running total, and zero on a day without their events. It fills the four
    /// bytes the struct's alignment leaves after `events`, on the line every event writes anyway.
    var hours: UInt32 = 0

    @inline(__always)
    func score(_ metric: RankingMetric) -> UInt64 {
        switch metric {
        case .tokens: return tokens
        case .cost: return cost
        case .output: return output
        }
    }
}

/// Per-employee running totals up to and including one UTC day: the ranking index's column for that day. Entry
/// `e` is employee `e`'s total over every day up to that one, so a window's total is the difference of two
/// columns — exact whenever the window's true total fits in 64 bits (32 for events), whatever came before it.
/// Columns are as long as the highest employee id seen up to that day; missing entries are zero.
struct DayColumn: Sendable {
    /// In a `PagedArray`, so that a past day's column can be moved to the store's spill file (`DayColumns`).
    var totals: PagedArray<RunningTotals> = []
    /// The shard's totals for this day alone, per shard-local model id.
    var models: [ModelDayTotals] = []

    /// Adds totals summed apart (`DayColumnWriter`) to those of `model`.
    mutating func addModel(_ model: Int, totals: ModelDayTotals) {
        if model >= models.count {
            models.append(contentsOf: repeatElement(ModelDayTotals(), count: model + 1 - models.count))
        }
        models[model].counts.add(totals.counts)
        models[model].cost = models[model].cost.saturatingAdd(totals.cost)
        models[model].events &+= totals.events
    }

    /// A new day's column starts as the previous day's running totals, with no active hours yet.
    func continued() -> DayColumn {
        // Shared, then copied whole by the first write (one copy of the block, with its room for new employees).
        var next = DayColumn(totals: totals, models: [])
        next.totals.withUnsafeMutableBufferPointer { totals in
            for employee in totals.indices { totals[employee].hours = 0 }
        }
        return next
    }
}

/// The day columns of a shard: one column per day that has events, in day order. A day without events has no
/// column — its running totals are those of the latest column before it — so a shard's memory grows with the days
/// that have usage, not with the span of dates it has seen: one event dated years before the rest costs one column,
/// not one per day in between.
struct DayColumns: Sendable {
    /// The day number of each column, ascending.
    private(set) var days: [Int32] = []
    private(set) var columns: [DayColumn] = []
    /// How many of the newest columns stay in anonymous memory: the newest, which every event writes. Older ones
    /// are moved to the spill file; a late event still writes its day's column there, in the page cache, and the
    /// worker unmaps the page again when idle (see `SpillFile`).
    static let columnsKeptInMemory = 1

    /// The longest span of days one shard keeps columns for (ten years); a batch beyond it is refused.
    static let maxSpan = 3660

    /// Replaces every column (loading a snapshot): `days` ascending, one per column.
    mutating func restore(days: [Int32], columns: [DayColumn]) {
        precondition(days.count == columns.count, "one day per column")
        self.days = days
        self.columns = columns
    }

    /// Moves every column but the newest `columnsKeptInMemory` to `file` (one moved before stays as it is); returns
    /// the bytes moved.
    func moveClosedColumns(to file: SpillFile) -> Int {
        columns.dropLast(Self.columnsKeptInMemory).reduce(0) { $0 + $1.totals.moveToFile(file) }
    }

    /// Whether days `low...high` can all get columns without the span exceeding `maxSpan`.
    func accepts(low: Int32, high: Int32) -> Bool {
        var first = Int(low)
        var last = Int(high)
        if let oldest = days.first, let newest = days.last {
            first = Swift.min(first, Int(oldest))
            last = Swift.max(last, Int(newest))
        }
        return last - first < Self.maxSpan
    }

    /// The column index for `day`, creating its column as needed (check `accepts` first).
    private mutating func index(for day: Int32) -> Int {
        // Events arrive mostly in time order: the newest column is the usual answer.
        if let newest = days.last {
            if day == newest { return days.count - 1 }
            if day > newest {
                // A new day starts from the running totals of the latest day before it.
                days.append(day)
                columns.append(columns[columns.count - 1].continued())
                return columns.count - 1
            }
        }
        let position = firstIndex(notBefore: Int(day))
        if position < days.count && days[position] == day { return position }
        days.insert(day, at: position)
        columns.insert(position > 0 ? columns[position - 1].continued() : DayColumn(), at: position)
        return position
    }

    /// Makes the columns of `days` that have none yet.
    mutating func makeColumns(for days: [Int32]) {
        for day in days { _ = index(for: day) }
    }

    /// Makes the columns of `batchDays` (ascending) and returns a writer for `events`, a batch's events of those
    /// days, whose employee ids are below `employeeCount` and whose models number `modelCount` (see
    /// `DayColumnWriter`). Nothing else may change the columns until `finish` has taken the writer's sums.
    mutating func writer(
        for batchDays: [Int32],
        events: UnsafeBufferPointer<ApplyingEvent>,
        employeeCount: Int,
        modelCount: Int
    ) -> DayColumnWriter {
        precondition(!batchDays.isEmpty, "a writer is for a batch with events")
        makeColumns(for: batchDays)
        let first = firstIndex(notBefore: Int(batchDays[0]))
        let offsets = batchDays.map { firstIndex(notBefore: Int($0)) - first }
        // Room in each column for the ids the batch adds to it. Usually the batch is of the newest day alone, whose
        // column new employees join anyway; otherwise only as much as the events need, since growing a past day's
        // column would copy it out of the spill file.
        var room = [Int](repeating: employeeCount, count: columns.count - first)
        if room.count > 1 {
            let highest = DayColumnWriter.highestEmployees(of: events, days: batchDays)
            var slot = 0
            var needed = 0
            for offset in room.indices {
                while slot < offsets.count && offsets[slot] == offset {
                    needed = Swift.max(needed, Int(highest[slot]) + 1)
                    slot += 1
                }
                room[offset] = needed
            }
        }
        let totals = room.indices.map { offset in
            columns[first + offset].totals.mutableBaseAddress(minimumCapacity: room[offset])
        }
        return DayColumnWriter(days: batchDays, columns: offsets, totals: totals, room: room, modelCount: modelCount)
    }

    /// Takes in what `writer`'s calls summed: each column's length (as long as its days' highest employee id,
    /// as adding the events one by one would have made it) and the days' model totals, by the shard-local ids
    /// `models` of the batch's models.
    mutating func finish(_ writer: DayColumnWriter, sums: [DayColumnWriter.Sums], models: [UInt16]) {
        let first = columns.count - writer.totals.count
        var highest: Int32 = -1
        var slot = 0
        for offset in writer.totals.indices {
            // A column holds every event of its day and of the batch's days before it.
            while slot < writer.days.count && writer.columns[slot] == offset {
                for part in sums { highest = Swift.max(highest, part.highestEmployee[slot]) }
                slot += 1
            }
            if highest >= 0 { columns[first + offset].totals.extend(toCount: Int(highest) + 1) }
        }
        for (slot, offset) in writer.columns.enumerated() {
            for model in 0..<writer.modelCount {
                for part in sums where part.models[slot * writer.modelCount + model].events > 0 {
                    columns[first + offset].addModel(
                        Int(models[model]),
                        totals: part.models[slot * writer.modelCount + model]
                    )
                }
            }
        }
    }

    /// The days in `low...high` (day numbers) on which `employee` was active in at least `minHours` UTC hours,
    /// ascending.
    func activeDays(of employee: Int, from low: Int32, through high: Int32, minHours: Int) -> [Int32] {
        var found: [Int32] = []
        for c in firstIndex(notBefore: Int(low))..<firstIndex(notBefore: Int(high) + 1) {
            let mask = hours(of: employee, column: c)
            if mask != 0 && mask.nonzeroBitCount >= minHours { found.append(days[c]) }
        }
        return found
    }

    /// The active hours of `employee` on every day they had events, by day: the snapshot's list.
    func hourMasks(of employee: Int) -> [HourMask] {
        columns.indices.compactMap { c in
            let mask = hours(of: employee, column: c)
            return mask != 0 ? HourMask(day: days[c], hours: mask) : nil
        }
    }

    /// Sets the active hours of `employee` on `mask.day` (loading a snapshot). False, changing nothing, when the
    /// employee had no events that day: the columns cannot hold such a mask, and a snapshot never has one.
    mutating func restore(_ mask: HourMask, of employee: Int) -> Bool {
        let c = firstIndex(notBefore: Int(mask.day))
        guard c < days.count, days[c] == mask.day, employee < columns[c].totals.count else { return false }
        let before = c > 0 && employee < columns[c - 1].totals.count ? columns[c - 1].totals[employee].events : 0
        guard columns[c].totals[employee].events != before else { return false }
        columns[c].totals[employee].hours = mask.hours
        return true
    }

    @inline(__always)
    private func hours(of employee: Int, column c: Int) -> UInt32 {
        employee < columns[c].totals.count ? columns[c].totals[employee].hours : 0
    }

    /// Indices of the columns whose days fall in `range`: the running totals at the range's end are those of the
    /// last of them, and those before its start are those of the column before the first.
    func indices(of range: ClosedRange<Day>) -> Range<Int> {
        firstIndex(notBefore: Int(range.lowerBound.number))..<firstIndex(notBefore: Int(range.upperBound.number) + 1)
    }

    /// The first column whose day is `day` or later (`days.count` if none).
    private func firstIndex(notBefore day: Int) -> Int {
        var low = 0
        var high = days.count
        while low < high {
            let middle = (low + high) / 2
            if Int(days[middle]) < day { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Every employee's sum of one metric over a window, and their events in it (0 means not active).
struct WindowSums {
    var scores: [UInt64]
    var events: [UInt32]

    init(columns: DayColumns, range: Range<Int>, employees: Int, metric: RankingMetric) {
        var scores = [UInt64](repeating: 0, count: employees)
        var events = [UInt32](repeating: 0, count: employees)
        scores.withUnsafeMutableBufferPointer { scores in
            events.withUnsafeMutableBufferPointer { events in
                Self.forEach(columns: columns, range: range, employees: employees, metric: metric) { e, score, count in
                    scores[e] = score
                    events[e] = count
                }
            }
        }
        self.scores = scores
        self.events = events
    }

    /// Calls `body` with each employee the window's last column lists, their sum of `metric` and their events
    /// over the window — the difference of the running totals at the window's last day and the day before its
    /// first — without building arrays (a top K keeps only what beats its threshold).
    @inline(__always)
    static func forEach(
        columns: DayColumns,
        range: Range<Int>,
        employees: Int,
        metric: RankingMetric,
        _ body: (_ employee: Int, _ score: UInt64, _ events: UInt32) -> Void
    ) {
        guard let last = range.last else { return }
        // The latest day with events before the window: employees it does not yet list had zero totals there.
        let before = range.lowerBound > 0 ? columns.columns[range.lowerBound - 1].totals : []
        columns.columns[last].totals.withUnsafeBufferPointer { end in
            before.withUnsafeBufferPointer { before in
                let n = min(employees, end.count)
                let m = min(n, before.count)
                for e in 0..<m {
                    body(e, end[e].score(metric) &- before[e].score(metric), end[e].events &- before[e].events)
                }
                for e in m..<n { body(e, end[e].score(metric), end[e].events) }
            }
        }
    }
}
