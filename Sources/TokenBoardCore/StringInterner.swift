/// Gives each distinct string of a table its index there, appending strings it has not seen: the employee and
/// session tables of `EventBatchBuilder`, which meet a string per event, and a shard's employee keys
/// (`EmployeeTable`), which meet one per distinct employee of every batch.
///
/// An open-addressing table (linear probing, at most half full) of indices into the caller's table, hashed by
/// CRC-32C of the UTF-8 bytes (one instruction per eight bytes on x86-64) rather than by `Hasher`, whose seeded
/// SipHash was most of the cost of building a batch from parsed events. Each string's hash is kept beside its
/// index, so a probe compares strings only when the hashes match and growing never hashes a string again.
struct StringInterner: Sendable {
    /// Per slot: 0 when empty, else the string's index in the table plus one.
    private var slots: [UInt32] = []
    /// Per index in the table: the string's hash.
    private var hashes: [UInt32] = []
    /// 64 minus log2 of the slot count: a hash's mixed top bits choose its first slot.
    private var shift: UInt64 = 64

    /// Forgets every string (the caller empties its table too), keeping the memory for the next batch.
    mutating func removeAll() {
        guard !hashes.isEmpty else { return }
        hashes.removeAll(keepingCapacity: true)
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// The index of `value` in `table`, or nil when it is not there. `table` must be the one this interner has seen
    /// every string of.
    func index(of value: String, inTable table: [String]) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        return probe(value, hash: CRC32C.checksum(utf8: value), in: table).index
    }

    /// The index of `value` in `table`, appending it first when it is not there yet. `table` must be the one this
    /// interner has seen every string of (strings are only ever appended through here).
    mutating func index(of value: String, in table: inout [String]) -> UInt32 {
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let hash = CRC32C.checksum(utf8: value)
        let (found, slot) = probe(value, hash: hash, in: table)
        if let found { return found }
        let index = UInt32(table.count)
        slots[slot] = index + 1
        hashes.append(hash)
        table.append(value)
        return index
    }

    /// Where `value` is (its index), or else the empty slot where it would go; the table is never full.
    @inline(__always)
    private func probe(_ value: String, hash: UInt32, in table: [String]) -> (index: UInt32?, slot: Int) {
        var slot = firstSlot(hash)
        let mask = slots.count - 1
        while true {
            let entry = slots[slot]
            if entry == 0 { return (nil, slot) }
            let index = Int(entry - 1)
            if hashes[index] == hash && table[index] == value { return (UInt32(index), slot) }
            slot = (slot + 1) & mask
        }
    }

    /// The slot a hash is tried in first: CRC-32C's low bits of similar keys are not spread enough to use as they
    /// are, so they are mixed (Fibonacci hashing) first.
    @inline(__always)
    private func firstSlot(_ hash: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(hash) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Doubles the slot count (at least 64) and places every index again from its kept hash.
    private mutating func grow() {
        let count = max(64, slots.count * 2)
        shift = UInt64(64 - count.trailingZeroBitCount)
        slots = Array(repeating: 0, count: count)
        let mask = count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = firstSlot(hash)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index + 1)
        }
    }
}
