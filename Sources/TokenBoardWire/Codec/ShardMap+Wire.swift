import NIOCore
import TokenBoardCore

/// version u64, workers as an array of strings, owners as an array of u16 (one per slot).
///
/// A map that could not route (no slots, more slots than `SlotHasher` allows, or an owner index past the worker
/// list) is refused as malformed: `ShardMap.owner(of:)` would trap on it, and a peer must never crash a node.
extension ShardMap: WireCodable {
    static var minimumWireSize: Int { 8 + 4 + 4 }

    /// The most slots a cluster may have (`SlotHasher`'s limit).
    static let maxSlots = 1 << 20

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let version: UInt64 = try buffer.readWire()
        let workers: [String] = try buffer.readWire()
        let owners: [UInt16] = try buffer.readWire()
        guard !owners.isEmpty, owners.count <= Self.maxSlots else {
            throw .malformedPayload("shard map has \(owners.count) slots, needs 1...\(Self.maxSlots)")
        }
        if let bad = owners.first(where: { Int($0) >= workers.count }) {
            throw .malformedPayload("shard map names owner \(bad) of only \(workers.count) workers")
        }
        self.init(version: version, workers: workers, owners: owners)
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(version)
        buffer.writeWire(workers)
        buffer.writeWireCount(owners.count)
        buffer.reserveCapacity(minimumWritableBytes: owners.count * 2)
        for owner in owners {
            buffer.writeInteger(owner, endianness: .little)
        }
    }
}
