/// A growable array of plain values in one `PageBlock`, as an `Array` is in one heap buffer: the storage of a day
/// column. Unlike an `Array`'s buffer, the block can be moved whole to the store's spill file once its day is past
/// (`moveToFile`), and capacity it has not used yet is never resident.
///
/// A value type with copy on write, as `Array` is, and as cheap to write: one ownership check per access. Memory
/// past `count` is always zero, so growing writes nothing.
struct PagedArray<Element: BitwiseCopyable & Sendable>: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    private var block: PageBlock?
    private(set) var count = 0

    private static var stride: Int { MemoryLayout<Element>.stride }

    init() {}

    init(arrayLiteral elements: Element...) {
        self.init(elements)
    }

    init<Elements: Sequence>(_ elements: Elements) where Elements.Element == Element {
        reserve(elements.underestimatedCount)
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    /// Elements the block has room for.
    var capacity: Int { block.map { $0.byteCount / Self.stride } ?? 0 }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index out of range")
            return block!.base.load(fromByteOffset: index * Self.stride, as: Element.self)
        }
        set {
            precondition(index >= 0 && index < count, "index out of range")
            makeUnique()
            block!.base.storeBytes(of: newValue, toByteOffset: index * Self.stride, as: Element.self)
        }
    }

    @inline(__always)
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        guard let block else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try withExtendedLifetime(block) {
            try body(UnsafeBufferPointer(start: block.base.assumingMemoryBound(to: Element.self), count: count))
        }
    }

    @inline(__always)
    mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws -> Result
    ) rethrows -> Result {
        guard count > 0 else { return try body(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        makeUnique()
        // `self.block` keeps the block alive throughout: nothing can change `self` while this call has it. Borrowed
        // in one expression, with no retain and release on the ingest path.
        let start = block.unsafelyUnwrapped.base.assumingMemoryBound(to: Element.self)
        return try body(UnsafeMutableBufferPointer(start: start, count: count))
    }

    mutating func append(_ element: Element) {
        if count == capacity { reserve(count + 1) }
        count += 1
        self[count - 1] = element
    }

    /// Grows the array to `newCount` elements, the new ones all-zero bytes.
    mutating func extend(toCount newCount: Int) {
        guard newCount > count else { return }
        reserve(newCount)
        count = newCount
    }

    /// The first element's address, for writes past `count` too, up to `minimumCapacity` elements: room made for
    /// them first (zero, as all memory past `count` is). Valid until the array next changes; elements written past
    /// `count` count once `extend(toCount:)` takes them in.
    mutating func mutableBaseAddress(minimumCapacity: Int) -> UnsafeMutablePointer<Element> {
        reserve(Swift.max(minimumCapacity, 1))
        makeUnique()
        return block.unsafelyUnwrapped.base.assumingMemoryBound(to: Element.self)
    }

    /// Moves the elements to `file` (see `SpillFile`); later writes go to the file's pages. Returns the bytes
    /// moved: 0 if they were moved before.
    func moveToFile(_ file: SpillFile) -> Int {
        block?.moveToFile(file, usedBytes: count * Self.stride) ?? 0
    }

    /// Room for at least `minimum` elements, growing geometrically so appends are amortised O(1).
    @inline(never)
    private mutating func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        let grown = Swift.max(minimum, 2 * capacity, 4096 / Self.stride)
        let larger = PageBlock(byteCount: grown * Self.stride, hugePages: false)
        if let block { larger.base.copyMemory(from: block.base, byteCount: count * Self.stride) }
        block = larger
    }

    /// Gives this array its own copy of the block when another array shares it.
    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&block!) { copyBlock() }
    }

    /// Out of line, so the ingest path that checks ownership stays small enough to inline.
    @inline(never)
    private mutating func copyBlock() {
        block = block!.copy(usedBytes: count * Self.stride, hugePages: false)
    }
}

extension PagedArray: Equatable where Element: Equatable {
    static func == (lhs: PagedArray, rhs: PagedArray) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
