import TokenBoardCore
import XCTest

/// A cache bounded in entries and in summed cost makes room by dropping what was used least recently, a read
/// counting as a use.
final class RecentlyUsedCacheTests: XCTestCase {
    func testAFullCacheDropsTheLeastRecentlyUsed() {
        var cache = RecentlyUsedCache<String, Int>(capacity: 3)
        cache.store(1, for: "a")
        cache.store(2, for: "b")
        cache.store(3, for: "c")
        XCTAssertEqual(cache.value(for: "a"), 1)
        cache.store(4, for: "d")
        XCTAssertNil(cache.value(for: "b"), "the least recently used: a was read after it")
        XCTAssertEqual(cache.value(for: "c"), 3)
        XCTAssertEqual(cache.value(for: "a"), 1)
        cache.store(5, for: "e")
        XCTAssertNil(cache.value(for: "d"))
        XCTAssertEqual(cache.count, 3)
        // Storing a key it holds replaces the value and drops nothing.
        cache.store(6, for: "a")
        XCTAssertEqual([cache.value(for: "a"), cache.value(for: "c"), cache.value(for: "e")], [6, 3, 5])
    }

    func testTheBudgetDropsAsManyAsNeededAndATooCostlyValueIsNotKept() {
        var cache = RecentlyUsedCache<Int, String>(capacity: 100)
        for key in 0..<5 { cache.store("v\(key)", for: key, cost: 10, budget: 50) }
        XCTAssertEqual(cache.totalCost, 50)
        _ = cache.value(for: 0)
        // 25 more: 1, 2 and 3 (the least recently used, 0 having been read) make room.
        cache.store("big", for: 9, cost: 25, budget: 50)
        XCTAssertEqual((0..<5).map { cache.value(for: $0) }, ["v0", nil, nil, nil, "v4"])
        XCTAssertEqual(cache.totalCost, 45)
        // Replacing costs the difference.
        cache.store("smaller", for: 9, cost: 5, budget: 50)
        XCTAssertEqual(cache.totalCost, 25)
        cache.store("too costly", for: 7, cost: 51, budget: 50)
        XCTAssertNil(cache.value(for: 7))
        XCTAssertEqual(cache.totalCost, 25, "nothing dropped for it")
        cache.removeAll()
        XCTAssertEqual(cache.count, 0)
        XCTAssertEqual(cache.totalCost, 0)
        XCTAssertNil(cache.value(for: 0))
    }
}
