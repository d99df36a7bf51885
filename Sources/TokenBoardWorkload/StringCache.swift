#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shares the strings of the few distinct model and tool names across lines. Building a `String` from bytes
/// means checking them and, past 15 bytes (most model names), allocating and later releasing storage; finding a
/// name seen before costs a few word compares and hands out the same string.
///
/// Holds the first `capacity` distinct names; a log with endless distinct names simply stops being shared.
struct StringCache: Sendable {
    static let capacity = 64

    private struct Entry: Sendable {
        var count: Int
        /// Bytes 0..<8, 8..<16 and the last eight (zero-padded when shorter), which cover a name of up to 24
        /// bytes entirely.
        var head: UInt64
        var middle: UInt64
        var tail: UInt64
        var bytes: [UInt8]
        var value: String
    }

    private var entries: [Entry] = []
    /// An open-addressed index over `entries` by a hash of the first word and the length: an entry's position
    /// plus one, 0 for a free slot. Twice the capacity, so probes stay short.
    private var slots = [UInt8](repeating: 0, count: 2 * StringCache.capacity)

    /// The string of `count` ASCII bytes at `p`, where `readable` bytes from `p` may be read.
    @inline(__always) mutating func string(_ p: UnsafePointer<UInt8>, count: Int, readable: Int) -> String {
        // Short names are compared as whole words, which may reach past the name into the rest of the line.
        guard count > 16 || readable >= 16 else { return Self.make(p, count) }
        let raw = UnsafeRawPointer(p)
        var head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        var middle = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        var tail: UInt64 = 0
        if count > 16 {
            tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
        } else if count > 8 {
            if count < 16 { middle &= (1 &<< UInt64((count &- 8) &* 8)) &- 1 }
        } else {
            middle = 0
            if count < 8 { head &= (1 &<< UInt64(count &* 8)) &- 1 }
        }
        @inline(__always) func matches(_ entry: Entry) -> Bool {
            guard entry.count == count, entry.head == head, entry.middle == middle, entry.tail == tail else {
                return false
            }
            return count <= 24 || entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, p, count) == 0 }
        }
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: ((head ^ middle) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)) &>> 57) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot]) &- 1
            if matches(entries[index]) { return entries[index].value }
            slot = (slot &+ 1) & mask
        }
        let value = Self.make(p, count)
        if entries.count < Self.capacity {
            slots[slot] = UInt8(entries.count &+ 1)
            entries.append(
                Entry(
                    count: count,
                    head: head,
                    middle: middle,
                    tail: tail,
                    bytes: Array(UnsafeBufferPointer(start: p, count: count)),
                    value: value
                )
            )
        }
        return value
    }

    @inline(__always) private static func make(_ p: UnsafePointer<UInt8>, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }
}
