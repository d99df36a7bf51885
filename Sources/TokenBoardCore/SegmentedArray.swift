/// An append-only array of plain values kept in fixed-size segments of about 2 MiB each (a power of two elements:
/// 65,536 of 40 bytes), each a `PageBlock` the kernel may back with one huge page. Growing never moves or frees
/// what is stored: a doubling array copies itself at each growth and hands the old buffer back to the allocator,
/// which for the store's pools (tens of MB) costs the copy and leaves freed buffers resident in the heap.
///
/// A value type: copies share segments, and a write to a shared segment copies that segment only (a snapshot's
/// copy of the store costs the segments written while it is kept, not the whole pool). Segments ask for huge pages
/// only when the array is made with `hugePages` (the store's pools): a huge page is resident whole from its first
/// write, which a small array (a test's) should not pay for.
///
/// `moveFullSegments(to:)` moves every segment but the newest to a spill file (`PageBlock.moveToFile`): an
/// append-only pool then keeps only its newest segment in anonymous memory.
struct SegmentedArray<Element: BitwiseCopyable & Sendable>: Sendable, RandomAccessCollection {
    /// log2 of the elements per segment: the smallest power of two of them filling at least 2 MiB.
    private static var shift: Int {
        Swift.max(0, 21 - (Int.bitWidth - 1 - MemoryLayout<Element>.stride.leadingZeroBitCount))
    }
    private static var mask: Int { (1 << shift) - 1 }
    /// Elements per segment.
    static var segmentSize: Int { 1 << shift }
    private static var stride: Int { MemoryLayout<Element>.stride }

    private var segments: [PageBlock] = []
    private(set) var count = 0
    /// Whether segments ask the kernel for 2 MiB pages.
    let hugePages: Bool
    /// Segments before this one have been moved to the spill file.
    private var movedSegments = 0

    init(hugePages: Bool = false) {
        self.hugePages = hugePages
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index out of range")
            return segments[index >> Self.shift].base.load(
                fromByteOffset: (index & Self.mask) * Self.stride,
                as: Element.self
            )
        }
        set {
            precondition(index >= 0 && index < count, "index out of range")
            let segment = index >> Self.shift
            makeUnique(segment)
            segments[segment].base.storeBytes(
                of: newValue,
                toByteOffset: (index & Self.mask) * Self.stride,
                as: Element.self
            )
        }
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
        precondition(start >= 0 && start + count <= self.count, "elements out of range")
        let block = segments[start >> Self.shift]
        let elements = (block.base + offset * Self.stride).assumingMemoryBound(to: Element.self)
        return withExtendedLifetime(block) { body(UnsafeBufferPointer(start: elements, count: count)) }
    }

    /// Asks for the cache lines of elements `start..<start + count` (in one segment) ahead of reading them; a hint,
    /// so a range beyond the elements asks for nothing.
    @inline(__always)
    func prefetch(from start: Int, count: Int) {
        guard start >= 0, count > 0, start + count <= self.count else { return }
        // One expression, as in the subscript: the segment is only borrowed, with no retain and release.
        let first = UnsafeRawPointer(segments[start >> Self.shift].base + (start & Self.mask) * Self.stride)
        Prefetch.lines(first, byteCount: count * Self.stride)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count & Self.mask == 0 { startSegment() }
        count += 1
        self[count - 1] = element
    }

    private mutating func startSegment() {
        segments.append(PageBlock(byteCount: Self.segmentSize * Self.stride, hugePages: hugePages))
    }

    /// Moves every full segment but the newest to `file`; returns the bytes moved. A segment is moved once: later
    /// calls cost nothing until another segment fills up.
    @discardableResult
    mutating func moveFullSegments(to file: SpillFile) -> Int {
        var moved = 0
        while movedSegments < segments.count - 1 {
            moved += segments[movedSegments].moveToFile(file, usedBytes: Self.segmentSize * Self.stride)
            movedSegments += 1
        }
        return moved
    }

    /// Gives back the pages past the last element of the newest segment, when huge pages made them resident before
    /// any element was written there (see `PageBlock.releasePages`). For a pause in ingest: appends after it fault
    /// their pages in one at a time, so a pool being filled at full speed should not be trimmed.
    func releaseUnusedPages() {
        guard hugePages, let newest = segments.last else { return }
        newest.releasePages(from: (count - (segments.count - 1) << Self.shift) * Self.stride)
    }

    /// Appends `newElements` in order, with one ownership check and one copy per segment rather than per element.
    mutating func append(contentsOf newElements: UnsafeBufferPointer<Element>) {
        var copied = 0
        while copied < newElements.count {
            if count & Self.mask == 0 { startSegment() }
            let segment = count >> Self.shift
            let run = Swift.min(newElements.count - copied, Self.segmentSize - count & Self.mask)
            makeUnique(segment)
            let start = segments[segment].base + (count & Self.mask) * Self.stride
            start.copyMemory(from: newElements.baseAddress! + copied, byteCount: run * Self.stride)
            count += run
            copied += run
        }
    }

    mutating func removeAll() {
        segments = []
        count = 0
        movedSegments = 0
    }

    /// Gives this array its own copy of `segment` when another array shares it.
    @inline(__always)
    private mutating func makeUnique(_ segment: Int) {
        if !isKnownUniquelyReferenced(&segments[segment]) { copy(segment) }
    }

    /// Out of line, so the ingest path that checks ownership stays small enough to inline.
    @inline(never)
    private mutating func copy(_ segment: Int) {
        let used = Swift.min(Self.segmentSize, count - (segment << Self.shift))
        segments[segment] = segments[segment].copy(usedBytes: used * Self.stride, hugePages: hugePages)
    }
}
