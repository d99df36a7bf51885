/// The ids of the most recent events a shard applied, for dropping a record that arrives twice (a gateway retry,
/// a log replayed with overlap). The window is bounded and kept in two generations of `generation` keys
/// (`capacity / 2`, at least 1): new keys go into the current generation; when it is full it becomes the previous
/// one and the generation before it is forgotten whole. So the latest `generation` keys are always remembered,
/// and up to `2 × generation`: a copy arriving after fewer than `generation` newer keyed events is always dropped,
/// one arriving later may or may not be, and one arriving after `2 × generation` newer ones never is. Nothing is
/// allocated until the first keyed event arrives.
///
/// Each generation is an open-addressing table (linear probing) at most half full. Forgetting a generation is one
/// clear of its table, so no key is ever removed one by one. Both generations share one array, slot `i` of each
/// side by side (16 bytes), so an admitted key's probe of both tables is one cache line, and the array is in huge
/// pages (`PageBlock`) so that line costs no TLB miss; the probe loop prefetches a later key's line. About 16 bytes
/// per remembered key at most.
public struct RecentEventKeys: Sendable {
    /// Keys remembered per shard at most by default: 262,144, the latest 131,072 always (4 MiB from the first
    /// keyed event on). Larger windows cost ingest speed, not just memory: each admitted key is a random access
    /// into the tables, and tables that no longer fit the CPU caches make that a cache miss per event (measured in
    /// docs/BENCHMARKS.md).
    public static let defaultCapacity = 1 << 18

    /// The configured window: at most `2 × generation` keys are remembered, which is `capacity` rounded down to
    /// an even number (2 for a capacity of 1).
    public let capacity: Int
    /// Keys per generation: the latest this many are always remembered.
    public let generation: Int
    /// Slot pairs, `2 × slots` words: word `2 i + side` is slot `i` of the generation on `side`; nil until the
    /// first keyed event.
    private var table: PageBlock?
    /// Slots per generation: a power of two, at least twice `generation`.
    private let slots: Int
    /// The side (0 or 1) of the current generation; the other is the previous one.
    private var currentSide = 0
    private var currentCount = 0
    private var previousCount = 0

    public init(capacity: Int = Self.defaultCapacity) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.generation = max(1, capacity / 2)
        var size = 16
        while size < generation * 2 { size <<= 1 }
        slots = size
    }

    /// Keys remembered now.
    public var count: Int { currentCount + previousCount }

    /// Remembers `key` (non-zero). Returns false when it is already remembered: the event is a duplicate.
    public mutating func insert(_ key: UInt64) -> Bool {
        admit(CollectionOfOne(key)).first ?? true
    }

    /// Remembers each non-zero key in order and says which were new; a key of 0 (no id) is always admitted. A
    /// batch at a time, so the table's ownership is checked once per run of keys rather than per key.
    public mutating func admit(_ keys: some Collection<UInt64>) -> [Bool] {
        // Contiguous, so the probe loop can look ahead.
        let keys = Array(keys)
        return keys.withUnsafeBufferPointer { keys in admit(count: keys.count, keyAt: { keys[$0] }) }
    }

    /// `admit(_:)` for the ids of a batch's events, read in place rather than copied out first: the store's path.
    mutating func admit(idsOf events: [BatchedEvent]) -> [Bool] {
        events.withUnsafeBufferPointer { events in admit(count: events.count, keyAt: { events[$0].eventKey }) }
    }

    /// Admits keys `keyAt(0)` to `keyAt(count - 1)` in order (see `admit(_:)`); `keyAt` is read ahead of the probe.
    @inline(__always)
    private mutating func admit(count: Int, keyAt: (Int) -> UInt64) -> [Bool] {
        let words = makeTable()
        var admitted = [Bool](repeating: true, count: count)
        var position = 0
        let mask = slots - 1
        while position < count {
            // Admit until the end or until a new key finds the current generation full; a generation is
            // forgotten only when a new key needs the room, never for a duplicate.
            let room = generation - currentCount
            let current = currentSide
            let previous = 1 - currentSide
            var added = 0
            var full = false
            admitted.withUnsafeMutableBufferPointer { admitted in
                while position < count {
                    // A key's slot pair is a cache miss: ask for a later key's while probing this one's.
                    if position + Self.lookahead < count {
                        let ahead = Int(truncatingIfNeeded: Self.mix(keyAt(position + Self.lookahead))) & mask
                        Prefetch.line(UnsafeRawPointer(words + 2 * ahead))
                    }
                    let key = keyAt(position)
                    if key != 0 {
                        let home = Int(truncatingIfNeeded: Self.mix(key)) & mask
                        var i = home
                        while words[2 * i + current] != 0 && words[2 * i + current] != key { i = (i + 1) & mask }
                        if words[2 * i + current] == key
                            || Self.find(key, from: home, side: previous, in: words, mask: mask)
                        {
                            admitted[position] = false
                        } else if added == room {
                            full = true
                            return
                        } else {
                            words[2 * i + current] = key
                            added += 1
                        }
                    }
                    position += 1
                }
            }
            currentCount += added
            if full { rotate(words) }
        }
        return admitted
    }

    /// How many keys ahead of the one being probed the table's lines are prefetched: enough to cover a miss at a
    /// few nanoseconds per key.
    private static var lookahead: Int { 16 }

    public func contains(_ key: UInt64) -> Bool {
        guard let table, key != 0 else { return false }
        let words = table.base.assumingMemoryBound(to: UInt64.self)
        let mask = slots - 1
        let home = Int(truncatingIfNeeded: Self.mix(key)) & mask
        return withExtendedLifetime(table) {
            Self.find(key, from: home, side: 0, in: words, mask: mask)
                || Self.find(key, from: home, side: 1, in: words, mask: mask)
        }
    }

    /// The remembered keys, the previous generation first, each generation in ascending order: inserting them in
    /// this order into an empty window of the same capacity rebuilds this one (the previous generation is always
    /// full, so the rebuild starts the current one at the same key), and the list depends only on the sets.
    public var keysInArrivalOrder: [UInt64] {
        guard let table else { return [] }
        let words = UnsafeBufferPointer(start: table.base.assumingMemoryBound(to: UInt64.self), count: 2 * slots)
        return withExtendedLifetime(table) {
            let previous = stride(from: 1 - currentSide, to: words.count, by: 2).map { words[$0] }
            let current = stride(from: currentSide, to: words.count, by: 2).map { words[$0] }
            return previous.filter { $0 != 0 }.sorted() + current.filter { $0 != 0 }.sorted()
        }
    }

    /// The table's words, allocated on first use and copied first when another window shares them (copy on
    /// write: the store is a value).
    private mutating func makeTable() -> UnsafeMutablePointer<UInt64> {
        let bytes = 2 * slots * MemoryLayout<UInt64>.stride
        if table == nil {
            table = PageBlock(byteCount: bytes, hugePages: bytes >= PageBlock.alignment)
        } else if !isKnownUniquelyReferenced(&table) {
            table = table!.copy(usedBytes: bytes, hugePages: bytes >= PageBlock.alignment)
        }
        return table!.base.assumingMemoryBound(to: UInt64.self)
    }

    /// The current generation becomes the previous one; the one before is forgotten.
    private mutating func rotate(_ words: UnsafeMutablePointer<UInt64>) {
        let forgotten = 1 - currentSide
        for i in 0..<slots { words[2 * i + forgotten] = 0 }
        currentSide = forgotten
        previousCount = currentCount
        currentCount = 0
    }

    @inline(__always)
    private static func find(
        _ key: UInt64,
        from home: Int,
        side: Int,
        in words: UnsafeMutablePointer<UInt64>,
        mask: Int
    ) -> Bool {
        var i = home
        while words[2 * i + side] != 0 {
            if words[2 * i + side] == key { return true }
            i = (i + 1) & mask
        }
        return false
    }

    /// Spreads the key's bits so that keys differing only in high bits do not share probe runs.
    @inline(__always)
    private static func mix(_ key: UInt64) -> UInt64 {
        var x = key
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return x
    }
}
