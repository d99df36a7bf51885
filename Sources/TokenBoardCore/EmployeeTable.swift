/// A shard's employee keys and their shard-local ids (0, 1, 2… in order of first sight), told apart by their
/// UTF-8 bytes. Interning is on every batch's path (once per distinct employee of the batch), so the ids come from
/// the project's one interning table, `StringInterner` (CRC-32C, one probe and one comparison), not from a
/// `[String: Int32]` and its seeded SipHash.
struct EmployeeTable: Sendable {
    /// Keys by id.
    private(set) var names: [String] = []
    private var interner = StringInterner()

    var count: Int { names.count }

    /// The id of `name`, or nil when the shard has never seen it.
    func id(of name: String) -> Int32? {
        interner.index(of: name, inTable: names).map { Int32(bitPattern: $0) }
    }

    /// The id of `name`, giving it the next id when it is new.
    mutating func intern(_ name: String) -> Int32 {
        Int32(bitPattern: interner.index(of: name, in: &names))
    }

    /// The id of every key of `keys`, in order, giving new keys the next ids: from the keys' bytes and checksums,
    /// so a `String` is created only for an employee the shard has never seen.
    mutating func intern(_ keys: KeyTable) -> [Int32] {
        interner.indices(of: keys, in: &names).map { Int32(bitPattern: $0) }
    }
}
