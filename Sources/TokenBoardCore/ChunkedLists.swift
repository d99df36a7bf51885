/// Many short growing lists (one per employee) in one pooled array of chunks, each list a chain of chunks in
/// order. A list costs its 12-byte `List` (kept by the caller, next to whatever else the ingest path reads for
/// that employee) and the slack of its last chunk; an element is reached through its slot, an index into the
/// pool, with no per-list allocation or header as a `[[Element]]` has.
///
/// A list's chunks grow with it — `base`, `base`, `2 × base`, `2 × base`, then `4 × base` elements each — so a
/// long list is a few contiguous runs (what a query reading one employee's list wants: each chunk is one more
/// cache miss) while a short one wastes little (the slack is at most its last chunk).
///
/// Elements are only appended, never removed; a slot stays valid for the life of the pool.
struct ChunkedLists<Element: BitwiseCopyable & Sendable>: Sendable {
    /// One list's chunks and length.
    struct List: Sendable, Hashable {
        /// Start slots of the first and the last chunk; -1 while the list is empty.
        var head: Int32 = -1
        var tail: Int32 = -1
        var count: Int32 = 0
    }

    /// The smallest chunk: `1 << shift` elements. Every chunk starts at a multiple of it.
    let shift: Int
    /// What unused slots of a chunk hold.
    private let filler: Element
    private var elements: SegmentedArray<Element>
    /// The start slot of the chunk after the chunk starting at slot `s`, at `s >> shift`; -1 for a list's last.
    private var next: SegmentedArray<Int32>

    /// The largest chunk is `1 << maxDoublings` smallest ones.
    static var maxDoublings: Int { 2 }

    /// `hugePages` is for the elements (see `SegmentedArray`).
    init(chunkShift: Int, filler: Element, hugePages: Bool = false) {
        shift = chunkShift
        self.filler = filler
        elements = SegmentedArray(hugePages: hugePages)
        // The chain links are a few MB at most, read once per chunk.
        next = SegmentedArray()
    }

    /// Elements of a list's `ordinal`-th chunk (0 for the first).
    @inline(__always)
    func chunkSize(_ ordinal: Int) -> Int {
        1 << (shift + Swift.min(ordinal / 2, Self.maxDoublings))
    }

    /// Slots allocated, over every list (chunks, their slack, and padding at segment ends).
    var slotCount: Int { elements.count }

    @inline(__always)
    subscript(slot: Int) -> Element {
        get { elements[slot] }
        set { elements[slot] = newValue }
    }

    /// The chunk holding list position `position` (its ordinal) and the position its chunk starts at.
    @inline(__always)
    func chunk(ofPosition position: Int) -> (ordinal: Int, start: Int) {
        // Arithmetic, not a walk over the chunk sizes: the ingest path asks this for every event, and the heaviest
        // employees' lists have hundreds of chunks.
        var ordinal = 0
        var start = 0
        for doubling in 0..<Self.maxDoublings {
            // Two chunks of this size, then the size doubles.
            let size = 1 << (shift + doubling)
            if position < start + 2 * size {
                let k = (position - start) >> (shift + doubling)
                return (ordinal + k, start + k * size)
            }
            ordinal += 2
            start += 2 * size
        }
        let k = (position - start) >> (shift + Self.maxDoublings)
        return (ordinal + k, start + k << (shift + Self.maxDoublings))
    }

    /// Appends `element` to `list` and returns its slot.
    @discardableResult
    mutating func append(_ element: Element, to list: inout List) -> Int {
        let position = Int(list.count)
        let (ordinal, start) = chunk(ofPosition: position)
        if position == start {
            // The list's chunks are full (or it has none): a new chunk at the end of the pool.
            let size = chunkSize(ordinal)
            if elements.roomInSegment < size {
                // A chunk never straddles two segments; the rest of this one stays unused (every chunk size
                // divides the segment size, so this happens only after a smaller chunk, rarely).
                let padding = elements.roomInSegment
                elements.append(filler, count: padding)
                next.append(-1, count: padding >> shift)
            }
            let chunk = Int32(elements.count)
            elements.append(filler, count: size)
            next.append(-1, count: size >> shift)
            if list.head < 0 { list.head = chunk } else { next[Int(list.tail) >> shift] = chunk }
            list.tail = chunk
        }
        let slot = Int(list.tail) + position - start
        elements[slot] = element
        list.count += 1
        return slot
    }

    /// The slot of the element at `position` of `list`, walking its chain.
    func slot(at position: Int, in list: List) -> Int {
        let (ordinal, start) = chunk(ofPosition: position)
        var chunk = Int(list.head)
        for _ in 0..<ordinal { chunk = Int(next[chunk >> shift]) }
        return chunk + position - start
    }

    /// Calls `body` with the slots of `list` from `position` (whose slot is `start`) to the end, in order, until
    /// it returns false.
    @inline(__always)
    func forEachSlot(of list: List, from start: (slot: Int, position: Int), _ body: (Int) -> Bool) {
        guard start.position < Int(list.count) else { return }
        var (ordinal, chunkStart) = chunk(ofPosition: start.position)
        // The current chunk's first slot and the list position after its last element.
        var chunk = start.slot - (start.position - chunkStart)
        var chunkEnd = chunkStart + chunkSize(ordinal)
        var slot = start.slot
        for position in start.position..<Int(list.count) {
            if position == chunkEnd {
                chunk = Int(next[chunk >> shift])
                ordinal += 1
                chunkEnd += chunkSize(ordinal)
                slot = chunk
            }
            guard body(slot) else { return }
            slot += 1
        }
    }

    /// Calls `body` with every slot of `list`, in order, until it returns false.
    @inline(__always)
    func forEachSlot(of list: List, _ body: (Int) -> Bool) {
        forEachSlot(of: list, from: (Int(list.head), 0), body)
    }

    /// Calls `body` with each chunk's elements of `list` in place, in order: the fast way to read a whole list (no
    /// call and no index arithmetic per element).
    func forEachChunk(of list: List, _ body: (UnsafeBufferPointer<Element>) -> Void) {
        var chunk = Int(list.head)
        var position = 0
        var ordinal = 0
        let count = Int(list.count)
        while position < count {
            let length = Swift.min(chunkSize(ordinal), count - position)
            elements.withContiguousElements(from: chunk, count: length, body)
            position += length
            if position < count { chunk = Int(next[chunk >> shift]) }
            ordinal += 1
        }
    }

    /// Calls `body(i, chunk)` with each chunk of `lists[i]` in place, each list's in order, for every list. The
    /// chains are walked side by side, one chunk of each list per round, and a list's next chunk is asked for a
    /// round before it is read: the cache misses of many chains overlap instead of adding up one after another
    /// (a top K reads the chains of hundreds of employees).
    @inline(__always)
    func forEachChunk(ofEach lists: [List], _ body: (Int, UnsafeBufferPointer<Element>) -> Void) {
        // Per list: its current chunk, the list position it starts at, and its ordinal.
        var cursors = lists.map { (chunk: Int($0.head), position: 0, ordinal: 0) }
        var walking: [Int] = []
        walking.reserveCapacity(lists.count)
        for (i, list) in lists.enumerated() where list.count > 0 {
            prefetchChunk(at: cursors[i].chunk, ordinal: 0, of: list)
            walking.append(i)
        }
        while !walking.isEmpty {
            var kept = 0
            for i in walking {
                var cursor = cursors[i]
                let count = Int(lists[i].count)
                let length = Swift.min(chunkSize(cursor.ordinal), count - cursor.position)
                elements.withContiguousElements(from: cursor.chunk, count: length) { body(i, $0) }
                cursor.position += length
                cursor.ordinal += 1
                if cursor.position < count {
                    cursor.chunk = Int(next[cursor.chunk >> shift])
                    prefetchChunk(at: cursor.chunk, ordinal: cursor.ordinal, of: lists[i], from: cursor.position)
                    walking[kept] = i
                    kept += 1
                }
                cursors[i] = cursor
            }
            walking.removeLast(walking.count - kept)
        }
    }

    /// Asks for the used part of the chunk at `chunk` (the `ordinal`-th of `list`, starting at list position
    /// `position`). Not for its link: asking for that too made both a hot and a cold walk slower (measured).
    @inline(__always)
    private func prefetchChunk(at chunk: Int, ordinal: Int, of list: List, from position: Int = 0) {
        elements.prefetch(from: chunk, count: Swift.min(chunkSize(ordinal), Int(list.count) - position))
    }

    /// The elements of `list`, in order.
    func elements(of list: List) -> [Element] {
        var all: [Element] = []
        all.reserveCapacity(Int(list.count))
        forEachChunk(of: list) { all.append(contentsOf: $0) }
        return all
    }
}
