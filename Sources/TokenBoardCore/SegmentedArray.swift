/// An append-only array kept in fixed-size segments of 16,384 elements. Growing never moves or frees what is
/// stored: a doubling array copies itself at each growth and hands the old buffer back to the allocator, which
/// for the store's pools (tens of MB) costs the copy and leaves freed buffers resident in the heap.
struct SegmentedArray<Element: Sendable>: Sendable, RandomAccessCollection {
    private static var shift: Int { 14 }
    private static var mask: Int { (1 << shift) - 1 }
    /// Elements per segment.
    static var segmentSize: Int { 1 << shift }

    private var segments: [[Element]] = []
    private(set) var count = 0

    init() {}

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { segments[index >> Self.shift][index & Self.mask] }
        set { segments[index >> Self.shift][index & Self.mask] = newValue }
    }

    /// Calls `body` with elements `start..<start + count` in place; they must lie in one segment.
    @inline(__always)
    func withContiguousElements<Result>(
        from start: Int,
        count: Int,
        _ body: (UnsafeBufferPointer<Element>) -> Result
    ) -> Result {
        let offset = start & Self.mask
        precondition(offset + count <= Self.segmentSize, "a run of elements crosses a segment")
        return segments[start >> Self.shift].withUnsafeBufferPointer { segment in
            body(UnsafeBufferPointer(rebasing: segment[offset..<(offset + count)]))
        }
    }

    /// How many more elements fit before a new segment starts.
    var roomInSegment: Int { count & Self.mask == 0 ? 0 : Self.segmentSize - count & Self.mask }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count & Self.mask == 0 {
            var segment: [Element] = []
            segment.reserveCapacity(Self.segmentSize)
            segments.append(segment)
        }
        segments[segments.count - 1].append(element)
        count += 1
    }

    mutating func append(_ element: Element, count n: Int) {
        for _ in 0..<n { append(element) }
    }

    mutating func removeAll() {
        segments = []
        count = 0
    }
}
