import NIOCore
import TokenBoardWire
import XCTest

@testable import TokenBoardNode

/// The worker's cache of answers stays within its byte budget and its count, whatever the answers' sizes, and
/// makes room by dropping the answers least recently used.
final class ReplyCacheTests: XCTestCase {
    private func frame(payloadBytes: Int) -> Frame {
        Frame(
            typeCode: MessageType.topQuery.rawValue,
            requestID: 1,
            payload: ByteBuffer(repeating: 7, count: payloadBytes)
        )
    }

    private func key(_ n: UInt8) -> ReplyCache.Key {
        ReplyCache.Key(typeCode: MessageType.topQuery.rawValue, payload: ByteBuffer(bytes: [n]))
    }

    func testTheBudgetIsNinetySixBytesAnEmployeeAndAtLeastOneMebibyte() {
        XCTAssertEqual(ReplyCache.byteBudget(employees: 0), 1 << 20)
        XCTAssertEqual(ReplyCache.byteBudget(employees: 10_000), 1 << 20)
        XCTAssertEqual(ReplyCache.byteBudget(employees: 25_000), 2_400_000)
    }

    func testAnswersBeyondTheBudgetEvictTheLeastRecentlyUsedAndOneTooLargeIsNotKept() {
        // Exactly three answers' worth: each counts its payload's and its key's whole storage.
        let answer = frame(payloadBytes: 300_000).payload.storageCapacity + ByteBuffer(bytes: [0]).storageCapacity
        XCTAssertGreaterThanOrEqual(answer, 300_001)
        let budget = 3 * answer
        var cache = ReplyCache()
        for n in 0..<3 {
            cache.store(
                frame(payloadBytes: 300_000),
                for: key(UInt8(n)),
                storeVersion: 1,
                mapVersion: 1,
                byteBudget: budget
            )
        }
        XCTAssertNotNil(cache.reply(to: key(0), requestID: 9, storeVersion: 1, mapVersion: 1))
        XCTAssertEqual(cache.bytes, budget)
        XCTAssertEqual(cache.reply(to: key(2), requestID: 9, storeVersion: 1, mapVersion: 1)?.requestID, 9)
        // A fourth would pass the budget: the least recently used (1; 0 and 2 were just served) makes room.
        cache.store(frame(payloadBytes: 300_000), for: key(3), storeVersion: 1, mapVersion: 1, byteBudget: budget)
        XCTAssertNil(cache.reply(to: key(1), requestID: 9, storeVersion: 1, mapVersion: 1))
        for kept in [0, 2, 3] {
            XCTAssertNotNil(cache.reply(to: key(UInt8(kept)), requestID: 9, storeVersion: 1, mapVersion: 1), "\(kept)")
        }
        XCTAssertEqual(cache.bytes, budget)
        // One twice the size: the two least recently used (0, then 2) make room.
        cache.store(frame(payloadBytes: 600_000), for: key(5), storeVersion: 1, mapVersion: 1, byteBudget: budget)
        XCTAssertNil(cache.reply(to: key(0), requestID: 9, storeVersion: 1, mapVersion: 1))
        XCTAssertNil(cache.reply(to: key(2), requestID: 9, storeVersion: 1, mapVersion: 1))
        XCTAssertNotNil(cache.reply(to: key(3), requestID: 9, storeVersion: 1, mapVersion: 1))
        XCTAssertNotNil(cache.reply(to: key(5), requestID: 9, storeVersion: 1, mapVersion: 1))
        XCTAssertLessThanOrEqual(cache.bytes, budget)

        cache.store(frame(payloadBytes: budget + 1), for: key(4), storeVersion: 1, mapVersion: 1, byteBudget: budget)
        XCTAssertNil(cache.reply(to: key(4), requestID: 9, storeVersion: 1, mapVersion: 1), "larger than the budget")
        XCTAssertNotNil(
            cache.reply(to: key(3), requestID: 9, storeVersion: 1, mapVersion: 1),
            "and nothing dropped for it"
        )
    }

    /// At `capacity` answers, a new one replaces the least recently used only; another store or map version
    /// drops them all.
    func testAFullCacheDropsOneAnswerAndANewVersionAll() {
        var cache = ReplyCache()
        let keys = (0..<ReplyCache.capacity).map {
            ReplyCache.Key(typeCode: MessageType.topQuery.rawValue, payload: ByteBuffer(integer: UInt32($0)))
        }
        for key in keys {
            cache.store(frame(payloadBytes: 8), for: key, storeVersion: 4, mapVersion: 2, byteBudget: 1 << 20)
        }
        // Served: every answer but the one of keys[10].
        for (i, key) in keys.enumerated() where i != 10 {
            XCTAssertNotNil(cache.reply(to: key, requestID: 1, storeVersion: 4, mapVersion: 2))
        }
        let extra = ReplyCache.Key(typeCode: MessageType.topQuery.rawValue, payload: ByteBuffer(integer: UInt32(999)))
        cache.store(frame(payloadBytes: 8), for: extra, storeVersion: 4, mapVersion: 2, byteBudget: 1 << 20)
        XCTAssertNil(cache.reply(to: keys[10], requestID: 1, storeVersion: 4, mapVersion: 2))
        XCTAssertEqual(
            keys.filter { cache.reply(to: $0, requestID: 1, storeVersion: 4, mapVersion: 2) != nil }.count,
            ReplyCache.capacity - 1
        )
        XCTAssertNotNil(cache.reply(to: extra, requestID: 1, storeVersion: 4, mapVersion: 2))
        // The store changed: old answers are not served, and the next store drops them.
        XCTAssertNil(cache.reply(to: extra, requestID: 1, storeVersion: 5, mapVersion: 2))
        cache.store(frame(payloadBytes: 8), for: keys[0], storeVersion: 5, mapVersion: 2, byteBudget: 1 << 20)
        XCTAssertNil(cache.reply(to: extra, requestID: 1, storeVersion: 5, mapVersion: 2))
        XCTAssertNotNil(cache.reply(to: keys[0], requestID: 1, storeVersion: 5, mapVersion: 2))
        XCTAssertEqual(
            cache.bytes,
            frame(payloadBytes: 8).payload.storageCapacity + ByteBuffer(integer: UInt32(0)).storageCapacity
        )
    }

    /// A request's payload is a view of its connection's receive buffer; the cache keeps a copy, not the buffer.
    func testAKeyDoesNotKeepItsReceiveBufferAlive() {
        var received = ByteBuffer(repeating: 0, count: 4 << 20)
        received.setBytes([1, 2, 3], at: 100)
        let view = received.getSlice(at: 100, length: 3)!
        XCTAssertGreaterThanOrEqual(view.storageCapacity, 4 << 20)
        var cache = ReplyCache()
        let small = frame(payloadBytes: 10)
        cache.store(
            small,
            for: ReplyCache.Key(typeCode: 1, payload: view),
            storeVersion: 1,
            mapVersion: 1,
            byteBudget: 1 << 20
        )
        XCTAssertLessThan(cache.bytes, 1_000)
        XCTAssertEqual(
            cache.reply(
                to: ReplyCache.Key(typeCode: 1, payload: ByteBuffer(bytes: [1, 2, 3])),
                requestID: 2,
                storeVersion: 1,
                mapVersion: 1
            )?
            .payload,
            small.payload
        )
    }
}
