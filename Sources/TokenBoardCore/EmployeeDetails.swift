/// What a shard keeps per employee besides the ranking index: detail cells (token counts per day, model and
/// tool), plus one `Record` per employee that the ingest path reads first. (Active hours live in the day columns.)
///
/// An employee's newest cells, up to `RecentCells.capacity`, live in their block of `RecentCells`, reached by the
/// employee's id alone; older ones in their chain of pooled chunks (`ChunkedLists`), newest chunk first. A new
/// cell goes to the block; a full block becomes the chain's next chunk whole and starts empty. So the chain grows
/// only at the pool's end, and closing a day writes nothing: its cells stay in the block until it fills.
///
/// Each key has exactly one cell per employee, in the block or in the chain. An event's cell is looked for in the
/// block, then, if it may be there, in the chain: for an event of the employee's newest day only the chunks
/// written since that day began (`Record.dayStart`), for an older day's (out of order) the whole chain. An event
/// of a newer day makes a new cell without looking.
struct EmployeeDetails: Sendable {
    /// The ingest path's view of one employee: 20 bytes.
    struct Record: Sendable {
        var cells = ChunkedLists<UsageCell>.List()
        /// The employee's newest day with an event (`Int32.min` before the first).
        var day: Int32 = .min
        /// The chain's length when that day's first cell was made: any cell of that day in the chain is at this
        /// list position or after.
        var dayStart: Int32 = 0
        /// Cells in the employee's `RecentCells` block.
        var recentCount: Int32 = 0
    }

    private(set) var records: [Record] = []
    private var recent = RecentCells()
    /// In huge pages: tens of MB, and every top K reads the chains of its employees' cells, a chunk a random
    /// access (see `PageBlock`).
    private(set) var cells = ChunkedLists<UsageCell>(
        chunkShift: RecentCells.capacity.trailingZeroBitCount,
        hugePages: true
    )

    var employeeCount: Int { records.count }

    /// Moves the cell pool's full segments to `file` (past cells are read only by queries); returns the bytes
    /// moved.
    mutating func moveFullSegments(to file: SpillFile) -> Int {
        cells.moveFullSegments(to: file)
    }

    /// Gives back the unused pages of the cell pool's newest segment (see `SegmentedArray.releaseUnusedPages`).
    func releaseUnusedPages() {
        cells.releaseUnusedPages()
    }

    /// Asks for `employee`'s newest cells' keys ahead of `record` (the apply loop, some events ahead).
    @inline(__always)
    func prefetchRecentKeys(of employee: Int) {
        recent.prefetch(employee: employee, keysOnly: true)
    }

    /// Starts the lists of the next employee id.
    mutating func addEmployee() {
        records.append(Record())
        recent.addEmployee()
    }

    /// Adds one event of `employee`: `counts` to the cell of `key` (day, model, tool). Returns true when the event
    /// made a new cell.
    @inline(__always)
    mutating func record(employee: Int, day: Int32, key: UInt64, counts: TokenCounts) -> Bool {
        var record = records[employee]
        defer { records[employee] = record }
        if day > record.day {
            // No cell of this day exists yet.
            record.day = day
            record.dayStart = record.cells.count
        } else {
            if let position = recent.position(of: key, employee: employee, count: Int(record.recentCount)) {
                recent.add(counts, employee: employee, position: position)
                return false
            }
            // The newest day's cells in the chain are in the chunks written since it began; an older day's may be
            // anywhere in it.
            let from = day == record.day ? Int(record.dayStart) : 0
            if from < record.cells.count,
                let slot = cells.firstSlot(in: record.cells, from: from, where: { $0.key == key })
            {
                cells[slot].counts.add(counts)
                return false
            }
        }
        if Int(record.recentCount) == RecentCells.capacity {
            recent.withBlock(of: employee) { _ = cells.append(chunk: $0, to: &record.cells) }
            record.recentCount = 0
        }
        recent.set(UsageCell(key: key, counts: counts), employee: employee, position: Int(record.recentCount))
        record.recentCount += 1
        return true
    }

    /// Calls `body` with each cell of `employee`: the chain's (read a chunk at a time, in place), then the
    /// block's.
    @inline(__always)
    func forEachCell(of employee: Int, _ body: (UsageCell) -> Void) {
        let record = records[employee]
        cells.forEachChunk(of: record.cells) { _, chunk in
            for cell in chunk { body(cell) }
            return true
        }
        for position in 0..<Int(record.recentCount) { body(recent.cell(employee: employee, position: position)) }
    }

    /// Calls `body(i, cell)` with each cell of `employees[i]`, for all of them: their chains walked side by side
    /// (`ChunkedLists.forEachChunk(ofEach:_:)`), then their blocks. An employee's cells come in no particular
    /// order.
    @inline(__always)
    func forEachCell(ofEach employees: ArraySlice<Int>, _ body: (Int, UsageCell) -> Void) {
        let lists = employees.map { employee in
            recent.prefetch(employee: employee)
            return records[employee].cells
        }
        cells.forEachChunk(ofEach: lists) { i, chunk in
            for cell in chunk { body(i, cell) }
        }
        for (i, employee) in employees.enumerated() {
            for position in 0..<Int(records[employee].recentCount) {
                body(i, recent.cell(employee: employee, position: position))
            }
        }
    }

    /// The cells of `employee` sorted by key (day, then model and tool): the snapshot's order.
    func sortedCells(of employee: Int) -> [UsageCell] {
        var all = cells.elements(of: records[employee].cells)
        for position in 0..<Int(records[employee].recentCount) {
            all.append(recent.cell(employee: employee, position: position))
        }
        return all.sorted { $0.key < $1.key }
    }

    /// Adds an employee with these cells (loading a snapshot; each key at most once): the newest go to the block,
    /// as many as do not fill whole chunks, the rest to the chain.
    mutating func restoreEmployee(cells list: [UsageCell]) {
        let sorted = list.sorted { $0.key < $1.key }
        var record = Record()
        let employee = records.count
        recent.addEmployee()
        let chained = sorted.count - sorted.count % RecentCells.capacity
        sorted.withUnsafeBufferPointer { sorted in
            for start in stride(from: 0, to: chained, by: RecentCells.capacity) {
                cells.append(
                    chunk: UnsafeBufferPointer(rebasing: sorted[start..<start + RecentCells.capacity]),
                    to: &record.cells
                )
            }
        }
        for (position, cell) in sorted[chained...].enumerated() {
            recent.set(cell, employee: employee, position: position)
        }
        record.recentCount = Int32(sorted.count - chained)
        if let newest = sorted.last?.day {
            record.day = newest
            // Sorted by key is sorted by day: the newest day's cells are the last ones.
            record.dayStart = Int32(sorted.firstIndex { $0.day == newest }!)
        }
        records.append(record)
    }
}
