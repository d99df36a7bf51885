/// Many growing lists (one per employee) in one pooled array, each list a chain of fixed-size chunks. A list
/// grows a whole chunk at a time, written at the pool's end and linked to the list's previous chunk, so its chain
/// runs from the newest chunk to the oldest. A list costs its 8-byte `List` (kept by the caller, next to whatever
/// else the ingest path reads for that employee); an element is reached through its slot, an index into the pool,
/// with no per-list allocation or header as a `[[Element]]` has.
///
/// Why whole chunks at the end, newest first: appending writes only memory the pool wrote a moment ago (its end,
/// and the new chunk's link), never the list's last chunk, which for an employee is wherever a chunk was written
/// days ago and a cache miss. The caller gathers a chunk's worth of elements first (`RecentCells`).
///
/// Elements are only appended, never removed; a slot stays valid for the life of the pool.
struct ChunkedLists<Element: BitwiseCopyable & Sendable>: Sendable {
    /// One list's chunks and length.
    struct List: Sendable, Hashable {
        /// Start slot of the newest chunk; -1 while the list is empty.
        var head: Int32 = -1
        /// Elements: a multiple of the chunk size.
        var count: Int32 = 0
    }

    /// Elements per chunk: `1 << shift`. Every chunk starts at a multiple of it.
    let shift: Int
    private var elements: SegmentedArray<Element>
    /// The start slot of the chunk before (older than) the chunk starting at slot `s`, at `s >> shift`; -1 for a
    /// list's oldest chunk.
    private var previous: SegmentedArray<Int32>

    /// `hugePages` is for the elements (see `SegmentedArray`).
    init(chunkShift: Int, hugePages: Bool = false) {
        precondition(chunkShift >= 0 && 1 << chunkShift <= SegmentedArray<Element>.segmentSize)
        shift = chunkShift
        elements = SegmentedArray(hugePages: hugePages)
        // The chain links are a few MB at most, read once per chunk.
        previous = SegmentedArray()
    }

    /// Elements per chunk.
    var chunkSize: Int { 1 << shift }

    /// Moves the pool's full segments to `file` (see `SegmentedArray.moveFullSegments`); returns the bytes moved.
    mutating func moveFullSegments(to file: SpillFile) -> Int {
        elements.moveFullSegments(to: file) + previous.moveFullSegments(to: file)
    }

    /// Gives back the unused pages of the pool's newest segment (see `SegmentedArray.releaseUnusedPages`).
    func releaseUnusedPages() {
        elements.releaseUnusedPages()
    }

    /// Slots allocated, over every list: every one holds an element, since chunks are appended full.
    var slotCount: Int { elements.count }

    @inline(__always)
    subscript(slot: Int) -> Element {
        get { elements[slot] }
        set { elements[slot] = newValue }
    }

    /// Appends a chunk to `list`: `chunk` holds exactly `chunkSize` elements, which keep their order. Returns the
    /// chunk's first slot.
    @discardableResult
    mutating func append(chunk: UnsafeBufferPointer<Element>, to list: inout List) -> Int {
        precondition(chunk.count == chunkSize, "a chunk is appended whole")
        // Every chunk size divides the segment size, so a chunk never straddles two segments.
        let start = elements.count
        elements.append(contentsOf: chunk)
        previous.append(list.head)
        list.head = Int32(start)
        list.count += Int32(chunkSize)
        return start
    }

    /// Calls `body` with each chunk of `list` that holds any of the list positions from `position` on (0 for all
    /// of it), newest first, with the slot of its first element, until it returns false. A chunk's elements are
    /// read in place.
    @inline(__always)
    func forEachChunk(
        of list: List,
        from position: Int = 0,
        _ body: (_ start: Int, UnsafeBufferPointer<Element>) -> Bool
    ) {
        var chunk = Int(list.head)
        // The list position just past the current chunk.
        var end = Int(list.count)
        while end > position {
            let go = elements.withContiguousElements(from: chunk, count: chunkSize) { body(chunk, $0) }
            guard go else { return }
            end -= chunkSize
            if end > position { chunk = Int(previous[chunk >> shift]) }
        }
    }

    /// The slot of an element of `list` at or after list position `position` (rounded down to its chunk's start)
    /// for which `predicate` holds, or nil; newer chunks are searched first.
    @inline(__always)
    func firstSlot(in list: List, from position: Int = 0, where predicate: (Element) -> Bool) -> Int? {
        var found: Int?
        forEachChunk(of: list, from: position) { start, chunk in
            for (offset, element) in chunk.enumerated() where predicate(element) {
                found = start + offset
                return false
            }
            return true
        }
        return found
    }

    /// Calls `body(i, chunk)` with each chunk of `lists[i]` in place, newest first, for every list. The chains
    /// are walked side by side, one chunk of each list per round, and a list's next chunk is asked for a round
    /// before it is read: the cache misses of many chains overlap instead of adding up one after another (a top K
    /// reads the chains of hundreds of employees).
    @inline(__always)
    func forEachChunk(ofEach lists: [List], _ body: (Int, UnsafeBufferPointer<Element>) -> Void) {
        // Per list: its current chunk and the list position just past it.
        var cursors = lists.map { (chunk: Int($0.head), end: Int($0.count)) }
        var walking: [Int] = []
        walking.reserveCapacity(lists.count)
        for (i, list) in lists.enumerated() where list.count > 0 {
            elements.prefetch(from: Int(list.head), count: chunkSize)
            walking.append(i)
        }
        while !walking.isEmpty {
            var kept = 0
            for i in walking {
                var cursor = cursors[i]
                elements.withContiguousElements(from: cursor.chunk, count: chunkSize) { body(i, $0) }
                cursor.end -= chunkSize
                if cursor.end > 0 {
                    cursor.chunk = Int(previous[cursor.chunk >> shift])
                    // Not the link too: asking for that as well made both a hot and a cold walk slower (measured).
                    elements.prefetch(from: cursor.chunk, count: chunkSize)
                    walking[kept] = i
                    kept += 1
                }
                cursors[i] = cursor
            }
            walking.removeLast(walking.count - kept)
        }
    }

    /// The elements of `list`: chunks newest first, each chunk's elements in the order they were appended.
    func elements(of list: List) -> [Element] {
        var all: [Element] = []
        all.reserveCapacity(Int(list.count))
        forEachChunk(of: list) { _, chunk in
            all.append(contentsOf: chunk)
            return true
        }
        return all
    }
}
