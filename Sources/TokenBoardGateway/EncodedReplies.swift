import NIOCore
import Synchronization
import TokenBoardClient
import TokenBoardCore

/// The JSON body last sent for each query, reused while the cluster's answer to it is unchanged. Encoding a
/// 250-entry board costs more than computing it (JSONEncoder, about 10 µs an entry), and the page and most
/// clients ask the same few queries again and again; comparing the new answer with the cached one is cheap.
final class EncodedReplies<Query: Hashable & Sendable, Reply: Hashable & Sendable>: Sendable {
    private let entries: Mutex<RecentlyUsedCache<Query, Encoded>>

    /// A reply and the body it was encoded as.
    private struct Encoded: Sendable {
        var reply: Reply
        var body: ByteBuffer
    }

    /// Keeps the bodies of at most `capacity` queries; when full, the least recently asked makes room.
    init(capacity: Int = 64) {
        entries = Mutex(RecentlyUsedCache(capacity: capacity))
    }

    /// The body for `reply` to `query`: the cached one when the reply is the same, else `encode`'s (then cached).
    func body(for query: Query, reply: Reply, encode: () throws -> [UInt8]) throws -> ByteBuffer {
        if let hit = entries.withLock({ $0.value(for: query) }), hit.reply == reply { return hit.body }
        let body = ByteBuffer(bytes: try encode())
        entries.withLock { $0.store(Encoded(reply: reply, body: body), for: query) }
        return body
    }
}
