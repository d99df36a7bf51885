/// The ids of the most recent events a shard applied, for dropping a record that arrives twice (a gateway retry,
/// a log replayed with overlap). The window is bounded: once `capacity` keys are held, each new key evicts the
/// oldest, so a copy arriving after `capacity` newer events is counted again. Nothing is allocated until the
/// first keyed event arrives.
///
/// An open-addressing table (linear probing, backward-shift deletion) at most half full, plus a ring of keys in
/// arrival order for eviction: about 24 bytes per remembered key, no per-key allocation.
public struct RecentEventKeys: Sendable {
    /// Keys remembered per shard by default: 262,144 (6 MiB from the first keyed event on). Larger windows cost
    /// ingest speed, not just memory: each admitted key is a random access into the table, and a table that no
    /// longer fits the CPU caches makes that a cache miss per event (measured in docs/BENCHMARKS.md).
    public static let defaultCapacity = 1 << 18

    public let capacity: Int
    private var slots: [UInt64] = []
    private var ring: [UInt64] = []
    private var next = 0
    public private(set) var count = 0

    public init(capacity: Int = Self.defaultCapacity) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Remembers `key` (non-zero). Returns false when it is already remembered: the event is a duplicate.
    public mutating func insert(_ key: UInt64) -> Bool {
        admit(CollectionOfOne(key)).first ?? true
    }

    /// Remembers each non-zero key in order and says which were new; a key of 0 (no id) is always admitted. A
    /// batch at a time, so the table's storage is checked for uniqueness once per batch rather than per key.
    public mutating func admit(_ keys: some Collection<UInt64>) -> [Bool] {
        if slots.isEmpty { allocate() }
        if ring.count < capacity {
            ring.append(contentsOf: repeatElement(0, count: capacity - ring.count))
        }
        var admitted = [Bool](repeating: true, count: keys.count)
        var count = self.count
        var next = self.next
        let capacity = self.capacity
        slots.withUnsafeMutableBufferPointer { slots in
            ring.withUnsafeMutableBufferPointer { ring in
                let mask = slots.count - 1
                for (index, key) in keys.enumerated() where key != 0 {
                    var i = Int(truncatingIfNeeded: Self.mix(key)) & mask
                    var duplicate = false
                    while slots[i] != 0 {
                        if slots[i] == key {
                            duplicate = true
                            break
                        }
                        i = (i + 1) & mask
                    }
                    if duplicate {
                        admitted[index] = false
                        continue
                    }
                    if count == capacity {
                        Self.remove(ring[next], from: slots)
                        // The free slot found above may have moved in the removal's backward shift: probe again.
                        i = Int(truncatingIfNeeded: Self.mix(key)) & mask
                        while slots[i] != 0 { i = (i + 1) & mask }
                    } else {
                        count += 1
                    }
                    slots[i] = key
                    ring[next] = key
                    next = next + 1 == capacity ? 0 : next + 1
                }
            }
        }
        self.count = count
        self.next = next
        return admitted
    }

    public func contains(_ key: UInt64) -> Bool {
        guard !slots.isEmpty else { return false }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while slots[i] != 0 {
            if slots[i] == key { return true }
            i = (i + 1) & mask
        }
        return false
    }

    /// The remembered keys, oldest first: inserting them in this order into an empty window rebuilds this one.
    public var keysInArrivalOrder: [UInt64] {
        guard count == capacity else { return Array(ring.prefix(count)) }
        return Array(ring[next...] + ring[..<next])
    }

    private mutating func allocate() {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    private static func remove(_ key: UInt64, from slots: UnsafeMutableBufferPointer<UInt64>) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: mix(key)) & mask
        while slots[i] != key {
            guard slots[i] != 0 else { return }
            i = (i + 1) & mask
        }
        // Backward shift: pull later members of the probe run into the hole so no lookup stops early.
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            guard slots[j] != 0 else { break }
            let home = Int(truncatingIfNeeded: mix(slots[j])) & mask
            // Move slots[j] unless its home lies cyclically within (hole, j].
            if (j - home) & mask >= (j - hole) & mask {
                slots[hole] = slots[j]
                hole = j
            }
        }
        slots[hole] = 0
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
