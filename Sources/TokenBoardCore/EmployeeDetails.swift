/// What a shard keeps per employee besides the ranking index: detail cells (token counts per day, model and
/// tool) and active-hour masks, each employee's in a chain of pooled chunks (`ChunkedLists`), plus one `Record`
/// per employee that the ingest path reads first.
///
/// Events arrive mostly in time order, so an event mostly belongs to its employee's newest day. The record keeps
/// where that day's cells start and that day's hour mask, so such an event reads the record, the cells of that
/// day only, and writes the mask only when its hour is new. An event of a newer day appends; an event of an
/// older day (out of order) searches the employee's whole list. Within a list, cells of one day may be apart
/// (an older day's cell can be appended after a newer one), so nothing reads them in order; each key still has
/// exactly one cell per employee.
struct EmployeeDetails: Sendable {
    /// The ingest path's view of one employee: 44 bytes.
    struct Record: Sendable {
        var cells = ChunkedLists<UsageCell>.List()
        var hours = ChunkedLists<HourMask>.List()
        /// The employee's newest day with an event (`Int32.min` before the first).
        var day: Int32 = .min
        /// Slot and list position of that day's first cell: every cell of the day is at or after it.
        var daySlot: Int32 = 0
        var dayPosition: Int32 = 0
        /// Slot of that day's hour mask (-1 when it has none, after loading a snapshot without masks) and a copy
        /// of the mask.
        var hourSlot: Int32 = -1
        var hourMask: UInt32 = 0
    }

    private(set) var records: [Record] = []
    /// In huge pages: tens of MB, and every top K reads the chains of its employees' cells, a chunk a random
    /// access (see `PageBlock`).
    private(set) var cells = ChunkedLists<UsageCell>(
        chunkShift: 2,
        filler: UsageCell(key: 0, counts: .zero),
        hugePages: true
    )
    private(set) var hours = ChunkedLists<HourMask>(chunkShift: 3, filler: HourMask(day: 0, hours: 0))

    var employeeCount: Int { records.count }

    /// Starts the lists of the next employee id.
    mutating func addEmployee() {
        records.append(Record())
    }

    /// Adds one event of `employee`: `counts` to the cell of `key` (day, model, tool), `hourBit` to the day's
    /// mask. Returns true when the event made a new cell.
    @inline(__always)
    mutating func record(employee: Int, day: Int32, key: UInt64, hourBit: UInt32, counts: TokenCounts) -> Bool {
        var record = records[employee]
        defer { records[employee] = record }
        if day == record.day {
            if record.hourMask | hourBit != record.hourMask {
                record.hourMask |= hourBit
                if record.hourSlot >= 0 {
                    // A whole-element store from the record's copy: no read of the mask's line (a cache miss).
                    hours[Int(record.hourSlot)] = HourMask(day: day, hours: record.hourMask)
                } else {
                    record.hourSlot = Int32(hours.append(HourMask(day: day, hours: record.hourMask), to: &record.hours))
                }
            }
            var found = -1
            cells.forEachSlot(of: record.cells, from: (Int(record.daySlot), Int(record.dayPosition))) { slot in
                if cells[slot].key == key {
                    found = slot
                    return false
                }
                return true
            }
            return add(counts, key: key, at: found, to: &record)
        }
        if day > record.day {
            record.day = day
            record.hourMask = hourBit
            record.hourSlot = Int32(hours.append(HourMask(day: day, hours: hourBit), to: &record.hours))
            record.dayPosition = record.cells.count
            let slot = cells.append(UsageCell(key: key, counts: counts), to: &record.cells)
            record.daySlot = Int32(slot)
            return true
        }
        // An older day: search everything.
        var hourFound = false
        hours.forEachSlot(of: record.hours) { slot in
            guard hours[slot].day == day else { return true }
            hours[slot].hours |= hourBit
            hourFound = true
            return false
        }
        if !hourFound { hours.append(HourMask(day: day, hours: hourBit), to: &record.hours) }
        var found = -1
        cells.forEachSlot(of: record.cells) { slot in
            guard cells[slot].key == key else { return true }
            found = slot
            return false
        }
        return add(counts, key: key, at: found, to: &record)
    }

    @inline(__always)
    private mutating func add(_ counts: TokenCounts, key: UInt64, at slot: Int, to record: inout Record) -> Bool {
        if slot >= 0 {
            cells[slot].counts.add(counts)
            return false
        }
        let position = record.cells.count
        let slot = cells.append(UsageCell(key: key, counts: counts), to: &record.cells)
        // The newest day had no cell yet (after loading a snapshot): its start is here now.
        if position == record.dayPosition { record.daySlot = Int32(slot) }
        return true
    }

    /// Calls `body` with each cell of `employee`, in list order (read a chunk at a time, in place).
    @inline(__always)
    func forEachCell(of employee: Int, _ body: (UsageCell) -> Void) {
        cells.forEachChunk(of: records[employee].cells) { chunk in
            for cell in chunk { body(cell) }
        }
    }

    /// The cells of `employee` sorted by key (day, then model and tool): the snapshot's order.
    func sortedCells(of employee: Int) -> [UsageCell] {
        cells.elements(of: records[employee].cells).sorted { $0.key < $1.key }
    }

    /// The hour masks of `employee` sorted by day.
    func sortedHourMasks(of employee: Int) -> [HourMask] {
        hours.elements(of: records[employee].hours).sorted { $0.day < $1.day }
    }

    /// The days in `low...high` (day numbers) on which `employee` was active in at least `minHours` hours, in no
    /// particular order.
    func activeDays(of employee: Int, from low: Int32, through high: Int32, minHours: Int) -> [Int32] {
        var days: [Int32] = []
        hours.forEachSlot(of: records[employee].hours) { slot in
            let mask = hours[slot]
            if mask.day >= low && mask.day <= high && mask.hours.nonzeroBitCount >= minHours { days.append(mask.day) }
            return true
        }
        return days
    }

    /// Adds an employee with these cells and hour masks (loading a snapshot; each key and day at most once).
    mutating func restoreEmployee(cells list: [UsageCell], hours masks: [HourMask]) {
        var record = Record()
        record.day = max(list.lazy.map(\.day).max() ?? .min, masks.lazy.map(\.day).max() ?? .min)
        record.dayPosition = Int32(list.count)
        for cell in list {
            let slot = cells.append(cell, to: &record.cells)
            if cell.day == record.day && record.dayPosition == Int32(list.count) {
                record.daySlot = Int32(slot)
                record.dayPosition = record.cells.count - 1
            }
        }
        for mask in masks {
            let slot = hours.append(mask, to: &record.hours)
            if mask.day == record.day {
                record.hourSlot = Int32(slot)
                record.hourMask = mask.hours
            }
        }
        records.append(record)
    }
}
