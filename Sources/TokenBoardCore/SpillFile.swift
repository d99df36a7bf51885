import CFileSpace
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A scratch file that the shard store moves past days' blocks to (`ShardStore.movePastDays`,
/// `PageBlock.moveToFile`), so that they are kept by the kernel's page cache rather than in the worker's anonymous
/// memory.
///
/// Why: cells, session runs and day columns of past days are written once and then read only by the queries that
/// need them (the K employees a top K returns, one employee's breakdown, a window ending in the past, the titles'
/// and signals' scans). Moved to a file and mapped back in place, shared, their pages are file pages: resident
/// only once touched, and the kernel's to drop under memory pressure instead of pinning the worker's memory (the
/// same move as Prometheus' memory-mapped head chunks). A write to such a page (a late event of a past day) goes
/// to the file's page, not to a private copy, so the block never grows back into anonymous memory.
///
/// Because the mapping is shared, the pages a scan or a write made resident can be unmapped from the worker
/// again at no risk (`unmapPages`): they stay in the page cache, dirty ones included, and fault back in when next
/// read. A worker does so when it is idle, so its resident memory after a burst of queries or of late events is
/// what it was before.
///
/// Not for durability: the write-ahead log and snapshots are the store's record. The file is unlinked as soon as
/// it is opened, so nothing is left behind by a crash, and it is sparse: a region a dropped block no longer needs
/// is punched out. Its space is the disk's, at most the store's size.
public final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    /// The next free offset, and the regions mapped now: address and size by offset.
    private let state = Mutex(State())

    private struct State {
        var end = 0
        var bytes = 0
        var regions: [Int: (address: UInt, byteCount: Int)] = [:]
        /// Moves between taking their room and listing their region: counted against `maxRegions` with the
        /// listed ones, so moves on two threads at once (the store's and a snapshot copy's) cannot pass it.
        var pending = 0
    }

    /// By default, at most this many regions are mapped at once: each is one kernel mapping, and a process may
    /// have `vm.max_map_count` (65,530 by default) in all.
    public static let defaultMaxRegions = 16_384
    /// At most this many regions are mapped at once; a move beyond it is refused and its memory stays anonymous.
    public let maxRegions: Int

    /// Opens a new scratch file in `directory` (removed from the directory at once) that maps at most
    /// `maxRegions` regions at once.
    public init(directory: String, maxRegions: Int = SpillFile.defaultMaxRegions) throws(SpillFileError) {
        self.maxRegions = maxRegions
        let path = directory.hasSuffix("/") ? directory + "cold-pages.spill" : directory + "/cold-pages.spill"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpillFileError(path: path, errno: errno) }
        unlink(path)
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Bytes currently held in the file, and the regions they are in.
    public var usage: (bytes: Int, regions: Int) {
        state.withLock { ($0.bytes, $0.regions.count) }
    }

    /// Bytes of the file's regions in the page cache now, mapped into the worker or not (`mincore`).
    public var cachedBytes: Int {
        let page = PageBlock.pageSize
        return state.withLock { state in
            var pages = 0
            var flags: [UInt8] = []
            for region in state.regions.values {
                let count = region.byteCount / page
                if flags.count < count { flags = [UInt8](repeating: 0, count: count) }
                guard mincore(UnsafeMutableRawPointer(bitPattern: region.address), region.byteCount, &flags) == 0
                else { continue }
                for i in 0..<count where flags[i] & 1 != 0 { pages += 1 }
            }
            return pages * page
        }
    }

    /// Unmaps every page of the file's regions from the process. Nothing is lost: the mappings are shared, so
    /// each page, written or not, stays in the page cache (and goes to the file) and faults back in when next
    /// touched. Safe at any time, from any thread, while others read or write the regions.
    public func unmapPages() {
        state.withLock { state in
            for region in state.regions.values {
                _ = madvise(UnsafeMutableRawPointer(bitPattern: region.address), region.byteCount, MADV_DONTNEED)
            }
        }
    }

    /// Writes `byteCount` bytes (a whole number of pages) from `source` to a new region and maps the region over
    /// `source` in place, shared; returns the region's offset. Nil, changing nothing, when the disk refuses the
    /// bytes or too many regions are mapped: the memory then simply stays anonymous.
    func move(_ source: UnsafeMutableRawPointer, byteCount: Int) -> Int? {
        let offset: Int? = state.withLock { state in
            guard state.regions.count + state.pending < maxRegions else { return nil }
            state.pending += 1
            let start = state.end
            state.end += byteCount
            return start
        }
        guard let offset else { return nil }
        var written = 0
        while written < byteCount {
            let n = pwrite(descriptor, source + written, byteCount - written, off_t(offset + written))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                state.withLock { $0.pending -= 1 }
                _ = tokenboard_punch_hole(descriptor, off_t(offset), off_t(written))
                return nil
            }
            written += n
        }
        // MAP_FIXED replaces the anonymous pages in one step; the contents are the same bytes, so a reader on
        // another thread (a snapshot's copy sharing the block) cannot tell. A failure here may already have
        // unmapped the range, which nothing could recover from. The region is listed in the same lock as
        // `unmapPages` takes, so that never sees it half mapped.
        state.withLock { state in
            let mapped = mmap(
                source,
                byteCount,
                PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_FIXED,
                descriptor,
                off_t(offset)
            )
            guard mapped == source else {
                fatalError("mapping \(byteCount) bytes of the spill file in place failed (errno \(errno))")
            }
            state.pending -= 1
            state.regions[offset] = (UInt(bitPattern: source), byteCount)
            state.bytes += byteCount
        }
        // Reads here are a cell, a run or an entry at a time: without this, each first touch would also map (and
        // make resident) the 15 pages around it, and read ahead from the disk once the cache has dropped them.
        _ = madvise(source, byteCount, MADV_RANDOM)
        return offset
    }

    /// Gives back a region `move` returned. Call it before its addresses are unmapped, never after: from then on
    /// `unmapPages` leaves them alone, and they may be mapped again for something else.
    func release(offset: Int, byteCount: Int) {
        state.withLock { state in
            state.regions[offset] = nil
            state.bytes -= byteCount
        }
        // The disk blocks (and the page cache's pages) are freed; offsets are never reused.
        _ = tokenboard_punch_hole(descriptor, off_t(offset), off_t(byteCount))
    }
}

/// The spill file could not be created.
public struct SpillFileError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public var description: String {
        "cannot create the spill file \(path): \(String(cString: strerror(errno)))"
    }
}
