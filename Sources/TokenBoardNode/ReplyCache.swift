import NIOCore
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
    private var replies: [Key: Frame] = [:]

    /// Answers remembered at most; when full, the cache starts again.
    static let capacity = 256

    /// The cached reply to `key`, carrying `requestID`, if the store and map are still those it was computed for.
    func reply(to key: Key, requestID: UInt64, storeVersion: UInt64, mapVersion: UInt64) -> Frame? {
        guard storeVersion == self.storeVersion, mapVersion == self.mapVersion, var reply = replies[key] else {
            return nil
        }
        reply.requestID = requestID
        return reply
    }

    /// Remembers `reply`, computed for `storeVersion` and `mapVersion` read before the computation started (so an
    /// answer can only be filed under a version older than the data it saw, never newer).
    mutating func store(_ reply: Frame, for key: Key, storeVersion: UInt64, mapVersion: UInt64) {
        if storeVersion != self.storeVersion || mapVersion != self.mapVersion || replies.count >= Self.capacity {
            replies.removeAll(keepingCapacity: true)
            self.storeVersion = storeVersion
            self.mapVersion = mapVersion
        }
        replies[key] = reply
    }
}
