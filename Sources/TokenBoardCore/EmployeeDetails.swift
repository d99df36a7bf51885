/// What a shard keeps per employee besides the ranking index: detail cells (token counts per day, model and
/// tool), plus one `Record` per employee that the ingest path reads first. (Active hours live in the day columns.)
///
/// Events arrive mostly in time order, so an event mostly belongs to its employee's newest day, which stays open
/// while events of it arrive: its first `OpenDayCells.capacity` cells live in the employee's block of
/// `OpenDayCells`, reached by the employee's id alone and small enough to stay in the CPU's caches. When an event
/// of a newer day arrives, the open day closes: its cells are appended to the employee's chain of pooled chunks
/// (`ChunkedLists`), where closed days live, one day's cells
/// side by side. A day's cells beyond the open block's capacity go to the chain at once; so do the cells of an
/// event of an older day (out of order), which searches the employee's whole chain. Within a chain, cells of one
/// day may be apart (an older day's cell can be appended after a newer one), so nothing reads them in order;
/// each key still has exactly one cell per employee, in the open block or in the chain.
struct EmployeeDetails: Sendable {
    /// The ingest path's view of one employee: 28 bytes.
    struct Record: Sendable {
        var cells = ChunkedLists<UsageCell>.List()
        /// The employee's newest day with an event, the open day (`Int32.min` before the first).
        var day: Int32 = .min
        /// Slot and chain position of the first cell of the open day in the chain, if it has any there: every
        /// such cell is at or after it (the slot is meaningful only while `dayPosition < cells.count`).
        var daySlot: Int32 = 0
        var dayPosition: Int32 = 0
        /// Cells of the open day in the employee's `OpenDayCells` block.
        var openCount: Int32 = 0
    }

    private(set) var records: [Record] = []
    private var open = OpenDayCells()
    /// In huge pages: tens of MB, and every top K reads the chains of its employees' cells, a chunk a random
    /// access (see `PageBlock`).
    private(set) var cells = ChunkedLists<UsageCell>(
        chunkShift: 2,
        filler: UsageCell(key: 0, counts: .zero),
        hugePages: true
    )

    var employeeCount: Int { records.count }

    /// Starts the lists of the next employee id.
    mutating func addEmployee() {
        records.append(Record())
        open.addEmployee()
    }

    /// Adds one event of `employee`: `counts` to the cell of `key` (day, model, tool). Returns true when the event
    /// made a new cell.
    @inline(__always)
    mutating func record(employee: Int, day: Int32, key: UInt64, counts: TokenCounts) -> Bool {
        var record = records[employee]
        defer { records[employee] = record }
        if day == record.day {
            let openCount = Int(record.openCount)
            if let position = open.position(of: key, employee: employee, count: openCount) {
                open.add(counts, employee: employee, position: position)
                return false
            }
            if record.dayPosition < record.cells.count {
                // Cells of the open day in the chain: beyond the open block's capacity, or loaded from a snapshot.
                var found = -1
                cells.forEachSlot(of: record.cells, from: (Int(record.daySlot), Int(record.dayPosition))) { slot in
                    if cells[slot].key == key {
                        found = slot
                        return false
                    }
                    return true
                }
                if found >= 0 {
                    cells[found].counts.add(counts)
                    return false
                }
            }
            if openCount < OpenDayCells.capacity {
                open.set(UsageCell(key: key, counts: counts), employee: employee, position: openCount)
                record.openCount += 1
            } else {
                appendToChain(UsageCell(key: key, counts: counts), of: &record)
            }
            return true
        }
        if day > record.day {
            close(employee, &record)
            record.day = day
            record.dayPosition = record.cells.count
            open.set(UsageCell(key: key, counts: counts), employee: employee, position: 0)
            record.openCount = 1
            return true
        }
        // An older day: search the whole chain (the open block holds the newest day only).
        var found = -1
        cells.forEachSlot(of: record.cells) { slot in
            guard cells[slot].key == key else { return true }
            found = slot
            return false
        }
        if found >= 0 {
            cells[found].counts.add(counts)
            return false
        }
        appendToChain(UsageCell(key: key, counts: counts), of: &record)
        return true
    }

    /// Appends a cell to the employee's chain, keeping where the open day's cells there start.
    @inline(__always)
    private mutating func appendToChain(_ cell: UsageCell, of record: inout Record) {
        let position = record.cells.count
        let slot = cells.append(cell, to: &record.cells)
        if position == record.dayPosition { record.daySlot = Int32(slot) }
    }

    /// Moves the open day's cells to the employee's chain: a newer day is about to open.
    private mutating func close(_ employee: Int, _ record: inout Record) {
        for position in 0..<Int(record.openCount) {
            cells.append(open.cell(employee: employee, position: position), to: &record.cells)
        }
        record.openCount = 0
    }

    /// Calls `body` with each cell of `employee`: the chain's (read a chunk at a time, in place), then the open
    /// day's.
    @inline(__always)
    func forEachCell(of employee: Int, _ body: (UsageCell) -> Void) {
        let record = records[employee]
        cells.forEachChunk(of: record.cells) { chunk in
            for cell in chunk { body(cell) }
        }
        for position in 0..<Int(record.openCount) { body(open.cell(employee: employee, position: position)) }
    }

    /// Calls `body(i, cell)` with each cell of `employees[i]`, for all of them: their chains walked side by side
    /// (`ChunkedLists.forEachChunk(ofEach:_:)`), then their open days. An employee's cells come in no particular
    /// order.
    @inline(__always)
    func forEachCell(ofEach employees: ArraySlice<Int>, _ body: (Int, UsageCell) -> Void) {
        let lists = employees.map { employee in
            open.prefetch(employee: employee)
            return records[employee].cells
        }
        cells.forEachChunk(ofEach: lists) { i, chunk in
            for cell in chunk { body(i, cell) }
        }
        for (i, employee) in employees.enumerated() {
            for position in 0..<Int(records[employee].openCount) {
                body(i, open.cell(employee: employee, position: position))
            }
        }
    }

    /// The cells of `employee` sorted by key (day, then model and tool): the snapshot's order.
    func sortedCells(of employee: Int) -> [UsageCell] {
        var all = cells.elements(of: records[employee].cells)
        for position in 0..<Int(records[employee].openCount) {
            all.append(open.cell(employee: employee, position: position))
        }
        return all.sorted { $0.key < $1.key }
    }

    /// Adds an employee with these cells (loading a snapshot; each key at most once). All cells go to the chain;
    /// the newest day's become the open day's (found in the chain).
    mutating func restoreEmployee(cells list: [UsageCell]) {
        var record = Record()
        record.day = list.lazy.map(\.day).max() ?? .min
        record.dayPosition = Int32(list.count)
        for cell in list {
            let slot = cells.append(cell, to: &record.cells)
            if cell.day == record.day && record.dayPosition == Int32(list.count) {
                record.daySlot = Int32(slot)
                record.dayPosition = record.cells.count - 1
            }
        }
        records.append(record)
        open.addEmployee()
    }
}
