import CMalloc

/// The worker's use of the C heap (glibc's malloc), tuned so that memory freed goes back to the system.
///
/// Why: glibc keeps freed blocks in its arenas for later requests. A worker frees its batch buffers after each
/// batch, and the shard store's arrays leave their old storage behind each time they grow; after a burst of
/// ingest both stay resident. By default glibc also raises the size from which a block gets its own mapping to
/// the largest block freed so far (up to 32 MiB), so the store's grown-out arrays land in the arenas, between
/// live blocks, where trimming cannot give them back: measured, 9 MB a worker after a 5M-event replay.
public enum Heap {
    /// Blocks of this size or more get their own mapping, returned to the system when freed: the store's large
    /// arrays (MBs each, a handful of them), not the batch buffers, which are smaller and reused from the arenas.
    static let ownMappingThreshold = 16 << 20

    /// Fixes the own-mapping threshold at `ownMappingThreshold` for the whole process (glibc then stops moving
    /// it); call once at start-up, before the store grows.
    static func keepLargeBlocksOutOfArenas() {
        _ = tokenboard_heap_set_mmap_threshold(ownMappingThreshold)
    }

    /// Serves every thread of the process from glibc's main arena. Call it first thing in a worker process,
    /// before a second thread allocates: glibc fixes how many arenas it makes then.
    ///
    /// Why: glibc gives each thread that allocates an arena of its own (up to eight per core). Such an arena gives
    /// the free memory at its top back to the system as soon as a batch's buffers (some MB) are freed there, so
    /// the next batch takes page faults on all of them again: measured, a quarter of the workers' CPU in a replay
    /// (docs/BENCHMARKS.md). The main arena keeps them for the next batch, and `releaseFreeMemory` gives them back
    /// when ingest pauses, which it cannot do for the other arenas' tops. A worker's threads allocate per batch
    /// and per frame, not per event, so they do not contend for the one arena's lock.
    public static func useOneArena() {
        _ = tokenboard_heap_set_arena_max(1)
    }

    /// Gives every malloc arena's free memory back to the system (`malloc_trim(0)`); true if some was given back.
    /// It walks the arenas under their locks: call it when idle, not per batch.
    @discardableResult
    static func releaseFreeMemory() -> Bool {
        tokenboard_heap_trim() != 0
    }
}
