import CMalloc

/// The use of the C heap (glibc's malloc) by the processes that move batches of MBs: a worker's, tuned so that
/// memory freed goes back to the system, and a replayer's, tuned so that it is kept for the next batch.
///
/// Why, for a worker: glibc keeps freed blocks in its arenas for later requests. A worker frees its batch buffers after
/// each batch, and the shard store's arrays leave their old storage behind each time they grow; after a burst of ingest
/// both stay resident. By default glibc also raises the size from which a block gets its own mapping to the largest
/// block freed so far (up to 32 MiB), so the store's grown-out arrays land in the arenas, between live blocks, where
/// trimming cannot give them back: measured, 9 MB a worker after a 5M-event replay.
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

    /// Blocks below this size come from the heap, and free memory at the heap's top is kept up to
    /// `keptTopOfHeap`: every buffer a replay allocates per batch (an event array of 3 MiB, an encoded frame) is
    /// smaller, and the most it holds at once (the batches in flight and those parsed ahead) is tens of MiB.
    static let replayBlockLimit = 64 << 20
    static let keptTopOfHeap = 256 << 20

    /// Keeps the memory a replay frees for its next batches: call first thing in the process, with `useOneArena`.
    ///
    /// Why: by default glibc hands each large freed buffer back to the system (its own mapping, or the heap's top
    /// beyond a small threshold), so every batch took page faults on fresh memory again: measured, 32 ns of the
    /// replayer's CPU per event of a JSONL replay, 4% of it (docs/BENCHMARKS.md). A replay is a client that ends
    /// when its log does; what it keeps is bounded by its batches in flight.
    public static func keepFreedMemoryForReuse() {
        _ = tokenboard_heap_set_mmap_threshold(replayBlockLimit)
        _ = tokenboard_heap_set_trim_threshold(keptTopOfHeap)
    }

    /// Gives every malloc arena's free memory back to the system (`malloc_trim(0)`); true if some was given back.
    /// It walks the arenas under their locks: call it when idle, not per batch.
    @discardableResult
    static func releaseFreeMemory() -> Bool {
        tokenboard_heap_trim() != 0
    }
}
