import NIOCore
import TokenBoardCore
import TokenBoardWire

/// A worker's last answers to read-only queries, keyed by the request's type and payload bytes and valid while the
/// store and the map are unchanged. The board is read far more often than it changes, and the coordinator asks
/// the same questions again and again (every top-250 also searches tier floors and title holders); an answer for
/// an unchanged store is exact, so serving it again is too.
struct ReplyCache: Sendable {
    struct Key: Hashable, Sendable {
        var typeCode: UInt8
        var payload: ByteBuffer
    }

    private var storeVersion: UInt64 = .max
    private var mapVersion: UInt64 = .max
    /// The answers, each costing its payload's and its key's whole storage in bytes.
    private var replies = RecentlyUsedCache<Key, Frame>(capacity: capacity)
    /// What the remembered answers' payloads and keys take (their buffers' whole storage).
    var bytes: Int { replies.totalCost }

    /// Answers remembered at most; when full, the least recently used one makes room.
    static let capacity = 256

    /// Bytes remembered at most for a shard of `employees`: 96 a employee, at least 1 MiB. Enough for the largest
    /// answer, the one listing every active employee (about 60 bytes each, for team sums), beside the board's
    /// others, and a bound that keeps the cache a fixed share of the worker's memory per employee: 256 answers
    /// of that size would otherwise hold hundreds of MB. An answer larger than this is not remembered.
    static func byteBudget(employees: Int) -> Int {
        max(1 << 20, 96 * employees)
    }

    /// The cached reply to `key`, carrying `requestID`, if the store and map are still those it was computed for.
    mutating func reply(to key: Key, requestID: UInt64, storeVersion: UInt64, mapVersion: UInt64) -> Frame? {
        guard storeVersion == self.storeVersion, mapVersion == self.mapVersion, var reply = replies.value(for: key)
        else { return nil }
        reply.requestID = requestID
        return reply
    }

    /// Remembers `reply`, computed for `storeVersion` and `mapVersion` read before the computation started (so an
    /// answer can only be filed under a version older than the data it saw, never newer), within `byteBudget` and
    /// `capacity`: the least recently used answers make room. Answers for other versions are all dropped.
    mutating func store(_ reply: Frame, for key: Key, storeVersion: UInt64, mapVersion: UInt64, byteBudget: Int) {
        // The request's payload is a view of the connection's receive buffer: remembered as a copy of its own, so
        // that the key does not keep that whole buffer alive.
        let key = Key(typeCode: key.typeCode, payload: ByteBuffer(bytes: key.payload.readableBytesView))
        if storeVersion != self.storeVersion || mapVersion != self.mapVersion {
            replies.removeAll()
            self.storeVersion = storeVersion
            self.mapVersion = mapVersion
        }
        replies.store(
            reply,
            for: key,
            cost: reply.payload.storageCapacity + key.payload.storageCapacity,
            budget: byteBudget
        )
    }
}
