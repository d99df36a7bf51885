#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A block of anonymous memory mapped for one segment of a `SegmentedArray`, aligned to 2 MiB and, on Linux,
/// marked for transparent huge pages (`MADV_HUGEPAGE`; this machine's THP mode is `madvise`).
///
/// Why: the shard store's pools are tens of MB read at random on the apply path and the top-K path. With 4 KiB
/// pages nearly every such access also misses the TLB, and in a VM each page walk costs several more memory
/// accesses; with 2 MiB pages a few hundred TLB entries cover the pools. Measured on the benchmark VM: 61 ns per
/// independent random access into 128 MiB with 4 KiB pages, 20 ns with 2 MiB pages.
///
/// The mapping reserves address space only: pages become resident when first written, a 2 MiB page at a time
/// where the kernel grants one. The block owns its pointer; an owner writes through it only while it holds the
/// only reference (copy on write, as `Array` does), which is what makes sharing it between threads safe.
final class PageBlock: @unchecked Sendable {
    /// The first byte, aligned to `alignment`.
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    /// The region of a spill file that the block's first `spilled.byteCount` bytes are mapped from, if moved.
    private(set) var spilled: (file: SpillFile, offset: Int, byteCount: Int)?

    static var alignment: Int { 1 << 21 }
    /// The system's page size: the unit blocks are mapped, moved and given back in.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// A zero-filled block of `byteCount` bytes (rounded up to whole pages); `hugePages` asks for 2 MiB pages.
    init(byteCount: Int, hugePages: Bool) {
        let page = Self.pageSize
        let size = (byteCount + page - 1) / page * page
        // Map one alignment more than needed and give back the ends, so the block starts on a 2 MiB boundary.
        let mapped = size + Self.alignment
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            raw != MAP_FAILED
        else {
            fatalError("out of memory: mapping \(mapped) bytes failed (errno \(errno))")
        }
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(Self.alignment) - 1) & ~UInt(Self.alignment - 1)
        let head = Int(aligned - address)
        if head > 0 { munmap(raw, head) }
        let tail = mapped - head - size
        if tail > 0 { munmap(raw + head + size, tail) }
        base = raw + head
        self.byteCount = size
        #if os(Linux)
            // A hint: without THP the block simply keeps 4 KiB pages.
            if hugePages { _ = madvise(base, size, MADV_HUGEPAGE) }
        #endif
    }

    /// A new block holding a copy of the first `usedBytes` bytes (the rest zero, and not made resident), moved to
    /// the same spill file if this block was: otherwise a snapshot's copy on write of a past day's block would
    /// leave it in anonymous memory for good.
    func copy(usedBytes: Int, hugePages: Bool) -> PageBlock {
        let block = PageBlock(byteCount: byteCount, hugePages: hugePages)
        block.base.copyMemory(from: base, byteCount: usedBytes)
        if let file = spilled?.file { block.moveToFile(file, usedBytes: usedBytes) }
        return block
    }

    /// Moves the first `usedBytes` bytes (rounded up to whole pages) to `file`, mapped back in place (see
    /// `SpillFile`): the same bytes at the same addresses, no longer anonymous memory. Call only while no thread
    /// writes the block. Returns the bytes moved: 0 if the block was moved before or the file refuses.
    @discardableResult
    func moveToFile(_ file: SpillFile, usedBytes: Int) -> Int {
        guard spilled == nil, usedBytes > 0 else { return 0 }
        let page = Self.pageSize
        let size = Swift.min(byteCount, (usedBytes + page - 1) / page * page)
        guard let offset = file.move(base, byteCount: size) else { return 0 }
        spilled = (file, offset, size)
        return size
    }

    /// Gives the block's pages from `offset` (rounded up to a whole page) to the end back to the system: they read
    /// as zeros again and become resident, 4 KiB at a time, when next written. For the unused end of a pool's
    /// newest segment, which a huge page made resident whole: bytes no holder of the block has written, so nothing
    /// is lost. Does nothing to a block moved to a spill file.
    func releasePages(from offset: Int) {
        guard spilled == nil else { return }
        let page = Self.pageSize
        let start = (offset + page - 1) / page * page
        guard start < byteCount else { return }
        #if os(Linux)
            // Otherwise the kernel's khugepaged merges the pages back into a huge page within a minute or so,
            // resident whole again (measured: 2 MiB a pool a worker). Huge pages already whole stay as they are.
            _ = madvise(base, byteCount, MADV_NOHUGEPAGE)
        #endif
        // Within a huge page, this splits it and frees the pages past `start`.
        _ = madvise(base + start, byteCount - start, MADV_DONTNEED)
    }

    deinit {
        // The file forgets the region first, so that its `unmapPages` never touches addresses unmapped here.
        if let spilled { spilled.file.release(offset: spilled.offset, byteCount: spilled.byteCount) }
        munmap(base, byteCount)
    }
}
