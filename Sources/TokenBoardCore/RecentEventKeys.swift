/// The ids of the most recent events a shard applied, for dropping a record that arrives twice (a gateway retry,
/// a log replayed with overlap). The window is bounded and kept in two generations of `generation` keys
/// (`capacity / 2`, at least 1): new keys go into the current generation; when it is full it becomes the previous
/// one and the generation before it is forgotten whole. So the latest `generation` keys are always remembered,
/// and up to `2 × generation`: a copy arriving after fewer than `generation` newer keyed events is always dropped,
/// one arriving later may or may not be, and one arriving after `2 × generation` newer ones never is. Nothing is
/// allocated until the first keyed event arrives.
///
/// Each generation is an open-addressing table (linear probing) at most half full. Forgetting a generation is one
/// clear of its table, so no key is ever removed one by one: an admitted key costs a probe of each table (two
/// independent memory accesses the CPU overlaps) and one store. About 16 bytes per remembered key at most.
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
    private var current: [UInt64] = []
    private var previous: [UInt64] = []
    private var currentCount = 0
    private var previousCount = 0

    public init(capacity: Int = Self.defaultCapacity) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.generation = max(1, capacity / 2)
    }

    /// Keys remembered now.
    public var count: Int { currentCount + previousCount }

    /// Remembers `key` (non-zero). Returns false when it is already remembered: the event is a duplicate.
    public mutating func insert(_ key: UInt64) -> Bool {
        admit(CollectionOfOne(key)).first ?? true
    }

    /// Remembers each non-zero key in order and says which were new; a key of 0 (no id) is always admitted. A
    /// batch at a time, so the tables' storage is checked for uniqueness once per run of keys rather than per key.
    public mutating func admit(_ keys: some Collection<UInt64>) -> [Bool] {
        if current.isEmpty { allocate() }
        var admitted = [Bool](repeating: true, count: keys.count)
        var index = keys.startIndex
        var position = 0
        while index != keys.endIndex {
            // Admit until the end or until a new key finds the current generation full, without leaving the
            // buffers; a generation is forgotten only when a new key needs the room, never for a duplicate.
            let room = generation - currentCount
            var added = 0
            var full = false
            current.withUnsafeMutableBufferPointer { current in
                previous.withUnsafeBufferPointer { previous in
                    admitted.withUnsafeMutableBufferPointer { admitted in
                        let mask = current.count - 1
                        while index != keys.endIndex {
                            let key = keys[index]
                            if key != 0 {
                                let home = Int(truncatingIfNeeded: Self.mix(key)) & mask
                                var i = home
                                while current[i] != 0 && current[i] != key { i = (i + 1) & mask }
                                if current[i] == key || Self.find(key, from: home, in: previous) != nil {
                                    admitted[position] = false
                                } else if added == room {
                                    full = true
                                    return
                                } else {
                                    current[i] = key
                                    added += 1
                                }
                            }
                            keys.formIndex(after: &index)
                            position += 1
                        }
                    }
                }
            }
            currentCount += added
            if full { rotate() }
        }
        return admitted
    }

    public func contains(_ key: UInt64) -> Bool {
        guard !current.isEmpty, key != 0 else { return false }
        let home = Int(truncatingIfNeeded: Self.mix(key)) & (current.count - 1)
        return current.withUnsafeBufferPointer { Self.find(key, from: home, in: $0) != nil }
            || previous.withUnsafeBufferPointer { Self.find(key, from: home, in: $0) != nil }
    }

    /// The remembered keys, the previous generation first, each generation in ascending order: inserting them in
    /// this order into an empty window of the same capacity rebuilds this one (the previous generation is always
    /// full, so the rebuild starts the current one at the same key), and the list depends only on the sets.
    public var keysInArrivalOrder: [UInt64] {
        previous.filter { $0 != 0 }.sorted() + current.filter { $0 != 0 }.sorted()
    }

    /// Both tables have the same size, so a key's home slot is the same in each.
    private mutating func allocate() {
        var size = 16
        while size < generation * 2 { size <<= 1 }
        current = Array(repeating: 0, count: size)
    }

    /// The current generation becomes the previous one; the one before is forgotten.
    private mutating func rotate() {
        swap(&current, &previous)
        previousCount = currentCount
        currentCount = 0
        if current.isEmpty {
            current = Array(repeating: 0, count: previous.count)
        } else {
            current.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
    }

    @inline(__always)
    private static func find(_ key: UInt64, from home: Int, in slots: UnsafeBufferPointer<UInt64>) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = home
        while slots[i] != 0 {
            if slots[i] == key { return i }
            i = (i + 1) & mask
        }
        return nil
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
