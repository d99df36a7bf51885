/// Gives each distinct string of a table its index there, appending strings it has not seen: the employee, session,
/// model and tool tables of `EventBatchBuilder`, which meet a string per event, and a shard's employee keys
/// (`EmployeeTable`), which meet one per distinct employee of every batch.
///
/// An open-addressing table (linear probing, at most half full) of indices into the caller's table, hashed by
/// CRC-32C of the UTF-8 bytes (one instruction per eight bytes on x86-64) rather than by `Hasher`, whose seeded
/// SipHash was most of the cost of building a batch from parsed events. Each slot holds its string's hash beside
/// its index, so a probe reads one slot to pass over another string (no load from a second array that a miss of
/// its own would wait for), compares strings only when the hashes match, and growing never hashes a string again.
struct StringInterner: Sendable {
    /// Per slot: 0 when empty, else the string's hash in the high 32 bits and its index in the table plus one in
    /// the low 32.
    private var slots: [UInt64] = []
    /// Strings placed so far.
    private var count = 0
    /// 64 minus log2 of the slot count: a hash's mixed top bits choose its first slot.
    private var shift: UInt64 = 64

    /// Forgets every string (the caller empties its table too), keeping the memory for the next batch.
    mutating func removeAll() {
        guard count > 0 else { return }
        count = 0
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// The index of `value` in `table`, or nil when it is not there. `table` must be the one this interner has seen
    /// every string of.
    func index(of value: String, inTable table: [String]) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        return probe(value, hash: CRC32C.checksum(utf8: value), in: table).index
    }

    /// The index in `table` of the string whose UTF-8 bytes are `utf8` and whose CRC-32C is `hash`, or nil when it
    /// is not there.
    func index(ofUTF8 utf8: UnsafeRawBufferPointer, hash: UInt32, inTable table: [String]) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        return probe(hash: hash) { Self.matches(table[$0], utf8) }.index
    }

    /// The index of `value` in `table`, appending it first when it is not there yet. `table` must be the one this
    /// interner has seen every string of (strings are only ever appended through here).
    mutating func index(of value: String, in table: inout [String]) -> UInt32 {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = CRC32C.checksum(utf8: value)
        let (found, slot) = probe(value, hash: hash, in: table)
        if let found { return found }
        return insert(value, hash: hash, at: slot, in: &table)
    }

    /// The index in `table` of the string whose UTF-8 bytes are `utf8` (valid UTF-8) and whose CRC-32C is `hash`,
    /// appending it first when it is not there yet; the string is created only then. `table` must be the one this
    /// interner has seen every string of.
    mutating func index(ofUTF8 utf8: UnsafeRawBufferPointer, hash: UInt32, in table: inout [String]) -> UInt32 {
        if (count + 1) * 2 > slots.count { grow() }
        let (found, slot) = probe(hash: hash) { Self.matches(table[$0], utf8) }
        if let found { return found }
        return insert(String(decoding: utf8, as: UTF8.self), hash: hash, at: slot, in: &table)
    }

    /// The index in `table` of every key of `keys`, in order, appending those not there yet, as
    /// `index(ofUTF8:hash:in:)` would one by one (and with the same indices).
    ///
    /// Known keys are looked up first, changing nothing, so the tables stay where they are and a probe's two
    /// dependent cache misses (the slot, then the string it points to) can be asked for ahead of use: the slot
    /// sixteen keys ahead and, once it is in, the string eight keys ahead. The keys not found are
    /// then added one by one, in order (a key new in this batch may appear in it twice).
    mutating func indices(of keys: KeyTable, in table: inout [String]) -> [UInt32] {
        var indices = lookUp(keys, in: table)
        for i in indices.indices where indices[i] == Self.notFound {
            indices[i] = keys.withUTF8(at: i) { index(ofUTF8: $0, hash: keys.checksums[i], in: &table) }
        }
        return indices
    }

    /// Marks a key `lookUp` did not find; never an index, as slots keep indices plus one in 32 bits.
    private static let notFound = UInt32.max

    /// The index of every key of `keys` in `table`, or `notFound`.
    private func lookUp(_ keys: KeyTable, in table: [String]) -> [UInt32] {
        guard !slots.isEmpty else { return [UInt32](repeating: Self.notFound, count: keys.count) }
        let slotsAhead = 16
        let entriesAhead = 8
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { slots in
            table.withUnsafeBufferPointer { table in
                keys.withUnsafeKeys { keys in
                    [UInt32](unsafeUninitializedCapacity: keys.count) { result, initialized in
                        for i in 0..<keys.count {
                            if i + slotsAhead < keys.count {
                                let ahead = firstSlot(keys.checksums[i + slotsAhead])
                                Prefetch.line(slots.baseAddress.unsafelyUnwrapped + ahead)
                            }
                            if i + entriesAhead < keys.count {
                                let entry = slots[firstSlot(keys.checksums[i + entriesAhead])]
                                if entry != 0 {
                                    Prefetch.line(table.baseAddress.unsafelyUnwrapped + Self.index(of: entry))
                                }
                            }
                            let hash = keys.checksums[i]
                            let utf8 = keys[i]
                            var slot = firstSlot(hash)
                            var found = Self.notFound
                            while true {
                                let entry = slots[slot]
                                if entry == 0 { break }
                                if Self.hash(of: entry) == hash && Self.matches(table[Self.index(of: entry)], utf8) {
                                    found = UInt32(Self.index(of: entry))
                                    break
                                }
                                slot = (slot + 1) & mask
                            }
                            (result.baseAddress.unsafelyUnwrapped + i).initialize(to: found)
                        }
                        initialized = keys.count
                    }
                }
            }
        }
    }

    private mutating func insert(_ value: String, hash: UInt32, at slot: Int, in table: inout [String]) -> UInt32 {
        let index = UInt32(table.count)
        slots[slot] = UInt64(hash) << 32 | UInt64(index + 1)
        count += 1
        table.append(value)
        return index
    }

    /// Where `value` is (its index), or else the empty slot where it would go; the table is never full.
    @inline(__always)
    private func probe(_ value: String, hash: UInt32, in table: [String]) -> (index: UInt32?, slot: Int) {
        probe(hash: hash) { table[$0] == value }
    }

    /// Where the string `matches` accepts is (its index), or else the empty slot where it would go; `matches` is
    /// asked only about strings whose hash is `hash`.
    @inline(__always)
    private func probe(hash: UInt32, matches: (Int) -> Bool) -> (index: UInt32?, slot: Int) {
        var slot = firstSlot(hash)
        let mask = slots.count - 1
        while true {
            let entry = slots[slot]
            if entry == 0 { return (nil, slot) }
            if Self.hash(of: entry) == hash && matches(Self.index(of: entry)) {
                return (UInt32(Self.index(of: entry)), slot)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether `string`'s UTF-8 bytes are `utf8`.
    @inline(__always)
    private static func matches(_ string: String, _ utf8: UnsafeRawBufferPointer) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { equal($0, utf8) } ?? string.utf8.elementsEqual(utf8)
    }

    /// Whether two byte runs are equal, a word at a time: keys are short, and a call to `memcmp` costs more than
    /// comparing them.
    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        let rawA = UnsafeRawPointer(pa)
        var index = 0
        while a.count - index >= 8 {
            guard
                rawA.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == pb.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index += 8
        }
        while index < a.count {
            guard pa[index] == pb.load(fromByteOffset: index, as: UInt8.self) else { return false }
            index += 1
        }
        return true
    }

    /// The slot a hash is tried in first: CRC-32C's low bits of similar keys are not spread enough to use as they
    /// are, so they are mixed (Fibonacci hashing) first.
    @inline(__always)
    private func firstSlot(_ hash: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(hash) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The hash a full slot holds.
    @inline(__always)
    private static func hash(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry >> 32) }

    /// The table index a full slot holds.
    @inline(__always)
    private static func index(of entry: UInt64) -> Int { Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 }

    /// Doubles the slot count (at least 64) and places every full slot again by the hash it holds.
    private mutating func grow() {
        let old = slots
        let size = max(64, slots.count * 2)
        shift = UInt64(64 - size.trailingZeroBitCount)
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for entry in old where entry != 0 {
            var slot = firstSlot(Self.hash(of: entry))
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}
