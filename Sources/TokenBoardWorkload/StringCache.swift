#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Shares the strings of the few distinct model and tool names across lines. Names of up to 15 bytes live inside
/// the `String` value itself and cost nothing to rebuild; longer ones (most model names) would cost an allocation
/// and a reference count per line, so the first `capacity` distinct ones are kept and handed out again.
struct StringCache {
    static let capacity = 64

    private struct Entry {
        var count: Int
        /// The first and last eight bytes, compared before the rest.
        var head: UInt64
        var tail: UInt64
        var bytes: [UInt8]
        var value: String
    }

    private var entries: [Entry] = []
    /// Where the last lookup hit; consecutive lines often repeat a model.
    private var last = 0

    /// The string of `count` ASCII bytes at `p`.
    @inline(__always) mutating func string(_ p: UnsafePointer<UInt8>, count: Int) -> String {
        if count <= 15 { return Self.make(p, count) }
        let raw = UnsafeRawPointer(p)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        @inline(__always) func matches(_ entry: Entry) -> Bool {
            guard entry.count == count, entry.head == head, entry.tail == tail else { return false }
            return count <= 16 || entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, p, count) == 0 }
        }
        if last < entries.count && matches(entries[last]) { return entries[last].value }
        for index in entries.indices where matches(entries[index]) {
            last = index
            return entries[index].value
        }
        let value = Self.make(p, count)
        // Past capacity (a log with endless distinct long names) values are simply not shared.
        if entries.count < Self.capacity {
            entries.append(
                Entry(
                    count: count,
                    head: head,
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
