/// The slot an employee key belongs to: CRC-32C of the key's UTF-8 bytes modulo the slot count. Fixed across
/// processes and releases (never Swift's per-process seeded `Hasher`).
public struct SlotHasher: Sendable, Hashable {
    /// The cluster's slot count; fixed for the life of a cluster.
    public let slotCount: Int

    public static let defaultSlotCount = 4096

    public init(slotCount: Int = SlotHasher.defaultSlotCount) {
        precondition(slotCount > 0 && slotCount <= 1 << 20, "slot count out of range")
        self.slotCount = slotCount
    }

    public func slot(for employee: String) -> Int {
        slot(forChecksum: CRC32C.checksum(utf8: employee))
    }

    /// The slot of the employee key whose CRC-32C is `checksum` (a worker has it from decoding the key).
    public func slot(forChecksum checksum: UInt32) -> Int {
        Int(checksum % UInt32(slotCount))
    }
}

/// Which worker owns each slot, under a version that increases whenever an assignment changes. The coordinator
/// owns the map; workers refuse keys of slots they do not own and every shard reply names the version it used.
public struct ShardMap: Sendable, Hashable {
    public var version: UInt64
    /// Worker ids, sorted; `owners` indexes into this list.
    public var workers: [String]
    /// For every slot, the index in `workers` of its owner.
    public var owners: [UInt16]

    public var hasher: SlotHasher { SlotHasher(slotCount: owners.count) }

    public init(version: UInt64, workers: [String], owners: [UInt16]) {
        self.version = version
        self.workers = workers
        self.owners = owners
    }

    /// The initial map of a cluster: slot `s` goes to the `s mod n`-th worker in id order, version 1.
    public static func initial(workers: [String], slotCount: Int = SlotHasher.defaultSlotCount) -> ShardMap {
        let sorted = workers.sorted()
        precondition(!sorted.isEmpty && sorted.count <= Int(UInt16.max), "a cluster needs 1 to 65535 workers")
        let owners = (0..<slotCount).map { UInt16($0 % sorted.count) }
        return ShardMap(version: 1, workers: sorted, owners: owners)
    }

    /// The worker that owns an employee.
    public func owner(of employee: String) -> String {
        workers[Int(owners[hasher.slot(for: employee)])]
    }

    /// The index (into `workers`) of the worker that owns an employee.
    public func ownerIndex(of employee: String) -> Int {
        Int(owners[hasher.slot(for: employee)])
    }

    /// The slots a worker owns.
    public func slots(of worker: String) -> Set<Int> {
        guard let index = workers.firstIndex(of: worker) else { return [] }
        var result = Set<Int>()
        for (slot, owner) in owners.enumerated() where Int(owner) == index { result.insert(slot) }
        return result
    }
}
