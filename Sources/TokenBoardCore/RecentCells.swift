/// Every employee's newest cells, not yet in their chain: a fixed block of `capacity` cells per employee, in one
/// array, reached by the employee's id alone. Events mostly arrive in time order, so an event's cell is mostly one
/// of its employee's newest, and found here, in a block the ingest path reads anyway, instead of in the employee's
/// chain of pooled chunks, which is a cache miss per chunk. When a block is full and a new cell needs room, the
/// block becomes one chunk of the chain whole (`ChunkedLists` appends it at the pool's end) and starts empty.
///
/// A block holds cells of any days: a cell's key carries its day, so a lookup compares keys only. It is
/// `capacity` keys and then their counts (`capacity` × 8 + `capacity` × 32 bytes), so comparing an event's key
/// with every cell of its employee reads 64 contiguous bytes: one cache line, or two, since the array's storage
/// is not line-aligned. How many cells are in use is the caller's
/// (`EmployeeDetails.Record.recentCount`): a block has no header.
struct RecentCells: Sendable {
    /// Cells per employee, and so per chunk of a chain: eight keys are a cache line's worth. The calibrated workload's
    /// employees use about three cells a day, so a block holds two to three days.
    static let capacity = 8
    /// Words per block: the keys, then four words of counts per cell.
    private static let stride = capacity * 5

    private var words: [UInt64] = []

    /// Adds a block for the next employee id.
    mutating func addEmployee() {
        words.append(contentsOf: repeatElement(0, count: Self.stride))
    }

    /// The position among the first `count` cells of `employee` whose key is `key`, or nil.
    @inline(__always)
    func position(of key: UInt64, employee: Int, count: Int) -> Int? {
        words.withUnsafeBufferPointer { words in
            let block = employee * Self.stride
            for position in 0..<count where words[block + position] == key { return position }
            return nil
        }
    }

    /// Adds `counts` to the cell at `position` of `employee`'s block.
    @inline(__always)
    mutating func add(_ counts: TokenCounts, employee: Int, position: Int) {
        words.withUnsafeMutableBufferPointer { words in
            let at = employee * Self.stride + Self.capacity + 4 * position
            words[at] = words[at].saturatingAdd(counts.input)
            words[at + 1] = words[at + 1].saturatingAdd(counts.output)
            words[at + 2] = words[at + 2].saturatingAdd(counts.cacheWrite)
            words[at + 3] = words[at + 3].saturatingAdd(counts.cacheRead)
        }
    }

    /// Puts `cell` at `position` (below `capacity`) of `employee`'s block.
    @inline(__always)
    mutating func set(_ cell: UsageCell, employee: Int, position: Int) {
        words.withUnsafeMutableBufferPointer { words in
            let block = employee * Self.stride
            words[block + position] = cell.key
            let at = block + Self.capacity + 4 * position
            words[at] = cell.counts.input
            words[at + 1] = cell.counts.output
            words[at + 2] = cell.counts.cacheWrite
            words[at + 3] = cell.counts.cacheRead
        }
    }

    /// Asks for `employee`'s block ahead of reading it: the whole block (a query reading many employees' cells),
    /// or only the line of its keys (the apply loop, which compares an event's key with them first).
    @inline(__always)
    func prefetch(employee: Int, keysOnly: Bool = false) {
        words.withUnsafeBufferPointer { words in
            guard let base = words.baseAddress, employee >= 0, (employee + 1) * Self.stride <= words.count else {
                return
            }
            Prefetch.lines(base + employee * Self.stride, byteCount: (keysOnly ? Self.capacity : Self.stride) * 8)
        }
    }

    /// The cell at `position` of `employee`'s block.
    @inline(__always)
    func cell(employee: Int, position: Int) -> UsageCell {
        words.withUnsafeBufferPointer { words in
            let block = employee * Self.stride
            let at = block + Self.capacity + 4 * position
            return UsageCell(
                key: words[block + position],
                counts: TokenCounts(
                    input: words[at],
                    output: words[at + 1],
                    cacheWrite: words[at + 2],
                    cacheRead: words[at + 3]
                )
            )
        }
    }

    /// Calls `body` with `employee`'s whole block as cells, in position order: the chunk a full block becomes.
    @inline(__always)
    func withBlock<Result>(of employee: Int, _ body: (UnsafeBufferPointer<UsageCell>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UsageCell.self, capacity: Self.capacity) { cells in
            for position in 0..<Self.capacity {
                cells.initializeElement(at: position, to: cell(employee: employee, position: position))
            }
            return body(UnsafeBufferPointer(cells))
        }
    }
}
