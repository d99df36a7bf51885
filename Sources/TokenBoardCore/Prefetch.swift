public import CPrefetch

/// A cache-line prefetch hint: asking for a later item's line while working on this one overlaps the cache misses
/// of a loop over random addresses instead of paying them one after another. A hint changes no value and never
/// faults, whatever the address. Inlinable, so that a loop in another module (the replayer's partitioner) issues
/// the instruction itself rather than calling for it.
public enum Prefetch {
    /// Starts loading the cache line holding `address`.
    @inlinable @inline(__always)
    public static func line(_ address: UnsafeRawPointer) {
        tokenboard_prefetch(address)
    }

    /// Starts loading every cache line of the `byteCount` bytes from `address`.
    @inlinable @inline(__always)
    public static func lines(_ address: UnsafeRawPointer, byteCount: Int) {
        for offset in stride(from: 0, to: byteCount, by: 64) { line(address + offset) }
    }
}
