/// A shard's employee keys and their shard-local ids (0, 1, 2… in order of first sight). Keys are hashed as
/// UTF-8 bytes with `EventKey.digest` (FNV-1a, cheap for short keys) into an open-addressing table of ids at most
/// half full, each slot tagged with the hash's high bits so a probe compares a key only on a likely match.
///
/// Interning is on every batch's path (once per distinct employee of the batch); this table costs one probe of an
/// 8-byte slot array plus one comparison, where a `[String: Int32]` costs a SipHash and a string comparison.
struct EmployeeTable: Sendable {
    /// Keys by id.
    private(set) var names: [String] = []
    /// Per slot: the hash's high 32 bits, then id + 1 in the low 32 bits; 0 is an empty slot.
    private var slots: [UInt64] = Array(repeating: 0, count: 16)

    var count: Int { names.count }

    /// The id of `name`, or nil when the shard has never seen it.
    func id(of name: String) -> Int32? {
        find(name, hash: EventKey.digest(name))
    }

    /// The id of `name`, giving it the next id when it is new.
    mutating func intern(_ name: String) -> Int32 {
        let hash = EventKey.digest(name)
        if let known = find(name, hash: hash) { return known }
        let id = Int32(names.count)
        names.append(name)
        if names.count * 2 > slots.count {
            grow()
        } else {
            place(id, hash: hash)
        }
        return id
    }

    private func find(_ name: String, hash: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            let tag = hash >> 32
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] != 0 {
                if slots[i] >> 32 == tag {
                    let id = Int32(truncatingIfNeeded: slots[i] & 0xFFFF_FFFF) - 1
                    if names[Int(id)] == name { return id }
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    private mutating func place(_ id: Int32, hash: UInt64) {
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = (hash >> 32) << 32 | UInt64(UInt32(id) + 1)
        }
    }

    /// Doubles the slots and places every id again.
    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for (id, name) in names.enumerated() { place(Int32(id), hash: EventKey.digest(name)) }
    }
}
