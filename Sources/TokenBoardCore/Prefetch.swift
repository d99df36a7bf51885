internal import CPrefetch

/// A cache-line prefetch hint: asking for a later item's line while working on this one overlaps the cache misses
/// of a loop over random addresses instead of paying them one after another. A hint changes no value and never
/// faults, whatever the address.
package enum Prefetch {
    /// Starts loading the cache line holding `address`.
    @inline(__always)
    package static func line(_ address: UnsafeRawPointer) {
        tokenboard_prefetch(address)
    }

    /// Starts loading every cache line of the `byteCount` bytes from `address`.
    @inline(__always)
    package static func lines(_ address: UnsafeRawPointer, byteCount: Int) {
        for offset in stride(from: 0, to: byteCount, by: 64) { line(address + offset) }
    }
}
