/// Many short growing lists (one per employee) in one pooled array of fixed-size chunks, each list a chain of
/// chunks in order. A list costs its 12-byte `List` (kept by the caller, next to whatever else the ingest path
/// reads for that employee) and at most one partly filled chunk of slack; an element is reached through its
/// slot, an index into the pool, with no per-list allocation, header or doubling slack as a `[[Element]]` has.
///
/// Elements are only appended, never removed; a slot stays valid for the life of the pool.
struct ChunkedLists<Element: Sendable>: Sendable {
    /// One list's chunks and length.
    struct List: Sendable, Hashable {
        /// First and last chunk; -1 while the list is empty.
        var head: Int32 = -1
        var tail: Int32 = -1
        var count: Int32 = 0
    }

    /// Elements per chunk: `1 << shift`.
    let shift: Int
    /// What unused slots of a chunk hold.
    private let filler: Element
    /// Chunk `c` holds slots `c << shift ..< (c + 1) << shift`.
    private(set) var elements: [Element] = []
    /// The chunk after each chunk in its list, -1 for a list's last.
    private var next: [Int32] = []

    init(chunkShift: Int, filler: Element) {
        shift = chunkShift
        self.filler = filler
    }

    /// Chunks allocated, over every list.
    var chunkCount: Int { next.count }

    @inline(__always)
    subscript(slot: Int) -> Element {
        get { elements[slot] }
        set { elements[slot] = newValue }
    }

    /// Appends `element` to `list` and returns its slot.
    @discardableResult
    mutating func append(_ element: Element, to list: inout List) -> Int {
        let offset = Int(list.count) & ((1 << shift) - 1)
        if list.head < 0 || offset == 0 {
            let chunk = Int32(next.count)
            next.append(-1)
            elements.append(contentsOf: repeatElement(filler, count: 1 << shift))
            if list.head < 0 { list.head = chunk } else { next[Int(list.tail)] = chunk }
            list.tail = chunk
        }
        let slot = Int(list.tail) << shift | offset
        elements[slot] = element
        list.count += 1
        return slot
    }

    /// The slot of the element at `position` of `list`, walking its chain.
    func slot(at position: Int, in list: List) -> Int {
        var chunk = Int(list.head)
        for _ in 0..<(position >> shift) { chunk = Int(next[chunk]) }
        return chunk << shift | (position & ((1 << shift) - 1))
    }

    /// Calls `body` with the slots of `list` from `position` (whose slot is `start`) to the end, in order, until
    /// it returns false.
    @inline(__always)
    func forEachSlot(of list: List, from start: (slot: Int, position: Int), _ body: (Int) -> Bool) {
        var slot = start.slot
        let mask = (1 << shift) - 1
        for position in start.position..<Int(list.count) {
            if position != start.position {
                slot = slot & mask == mask ? Int(next[slot >> shift]) << shift : slot + 1
            }
            guard body(slot) else { return }
        }
    }

    /// Calls `body` with every slot of `list`, in order, until it returns false.
    @inline(__always)
    func forEachSlot(of list: List, _ body: (Int) -> Bool) {
        guard list.count > 0 else { return }
        forEachSlot(of: list, from: (Int(list.head) << shift, 0), body)
    }

    /// The elements of `list`, in order.
    func elements(of list: List) -> [Element] {
        var all: [Element] = []
        all.reserveCapacity(Int(list.count))
        forEachSlot(of: list) { slot in
            all.append(elements[slot])
            return true
        }
        return all
    }
}
