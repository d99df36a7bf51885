/// A map that keeps at most `capacity` entries and at most a budget of their summed costs, dropping the least
/// recently used entries to make room. Storing on a full cache scans the entries for the oldest, O(count): meant
/// for caches of a few hundred answers, each far costlier to compute than the scan.
public struct RecentlyUsedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var value: Value
        var cost: Int
        /// `clock`'s reading when the entry was last stored or read.
        var lastUse: UInt64
    }

    private var entries: [Key: Entry] = [:]
    /// Counts stores and reads: the order of use that eviction goes by.
    private var clock: UInt64 = 0
    /// Entries kept at most.
    public let capacity: Int
    /// The summed cost of the entries kept.
    public private(set) var totalCost = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { entries.count }

    /// The value stored for `key`, which counts as a use of it.
    public mutating func value(for key: Key) -> Value? {
        guard let entry = entries[key] else { return nil }
        clock &+= 1
        entries[key]?.lastUse = clock
        return entry.value
    }

    /// Stores `value` for `key` (replacing what it had), dropping the least recently used entries until it fits
    /// within `capacity` and, with its `cost`, within `budget`. A value costing more than `budget` alone is not
    /// stored, and nothing is dropped for it.
    public mutating func store(_ value: Value, for key: Key, cost: Int = 1, budget: Int = .max) {
        guard cost <= budget else { return }
        if let old = entries.removeValue(forKey: key) { totalCost -= old.cost }
        while !entries.isEmpty && (entries.count >= capacity || totalCost > budget - cost) {
            let oldest = entries.min { $0.value.lastUse < $1.value.lastUse }!
            entries.removeValue(forKey: oldest.key)
            totalCost -= oldest.value.cost
        }
        clock &+= 1
        entries[key] = Entry(value: value, cost: cost, lastUse: clock)
        totalCost += cost
    }

    /// Drops every entry.
    public mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        totalCost = 0
    }
}
