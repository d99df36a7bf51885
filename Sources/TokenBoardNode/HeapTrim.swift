import CHeapTrim

/// The C heap's free memory, given back to the system.
///
/// Why: glibc's malloc keeps the memory of freed blocks in its arenas for later requests, and a worker frees its
/// batch buffers (some MB per batch in flight) after each batch; after a burst of ingest they stay resident until
/// the next burst. A worker calls this when ingest pauses, as it moves past days to its spill file.
enum HeapTrim {
    /// Gives every malloc arena's free memory back to the system (`malloc_trim(0)`); true if some was given back.
    /// It walks the arenas under their locks: call it when idle, not per batch.
    @discardableResult
    static func releaseFreeMemory() -> Bool {
        tokenboard_heap_trim() != 0
    }
}
