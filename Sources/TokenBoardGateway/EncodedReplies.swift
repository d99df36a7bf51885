import NIOCore
import Synchronization
import TokenBoardClient

/// The JSON body last sent for each query, reused while the cluster's answer to it is unchanged. Encoding a
/// 250-entry board costs more than computing it (JSONEncoder, about 10 µs an entry), and the page and most
/// clients ask the same few queries again and again; comparing the new answer with the cached one is cheap.
final class EncodedReplies<Query: Hashable & Sendable, Reply: Hashable & Sendable>: Sendable {
    private let entries = Mutex<[Query: (reply: Reply, body: ByteBuffer)]>([:])
    /// Queries remembered at most; when full, the cache starts again.
    private let capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    /// The body for `reply` to `query`: the cached one when the reply is the same, else `encode`'s (then cached).
    func body(for query: Query, reply: Reply, encode: () throws -> [UInt8]) throws -> ByteBuffer {
        if let hit = entries.withLock({ $0[query] }), hit.reply == reply { return hit.body }
        let body = ByteBuffer(bytes: try encode())
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[query] = (reply, body)
        }
        return body
    }
}
