import TokenBoardCore
import TokenBoardWorkload
import XCTest

final class RecentEventKeysTests: XCTestCase {
    func testSecondDeliveryIsRefusedWhileItsGenerationIsRemembered() {
        var window = RecentEventKeys(capacity: 4)
        XCTAssertEqual(window.generation, 2)
        XCTAssertTrue(window.insert(10))
        XCTAssertTrue(window.insert(20))
        XCTAssertFalse(window.insert(10))
        // The first generation {10, 20} is full: 30 starts the second, and both are remembered.
        XCTAssertTrue(window.insert(30))
        XCTAssertFalse(window.insert(10))
        XCTAssertTrue(window.insert(40))
        XCTAssertEqual(window.count, 4)
        // 50 starts a third generation, forgetting {10, 20} whole: 10 is new again.
        XCTAssertTrue(window.insert(50))
        XCTAssertFalse(window.contains(20))
        XCTAssertTrue(window.contains(30))
        XCTAssertFalse(window.insert(40))
        XCTAssertTrue(window.insert(10))
        XCTAssertEqual(window.count, 4)
        XCTAssertEqual(Array(window.keysInArrivalOrder.prefix(2)).sorted(), [30, 40])
        XCTAssertEqual(Array(window.keysInArrivalOrder.suffix(2)).sorted(), [10, 50])
    }

    /// Against the obvious model (two arrays, one per generation), through many generations, with keys chosen so
    /// that probe runs collide and wrap around the tables; then a window rebuilt from `keysInArrivalOrder` must
    /// answer like the original.
    func testAgreesWithASimpleModelThroughManyGenerations() {
        var rng = SplitMix64(seed: 7)
        for capacity in [1, 2, 5, 64, 1000] {
            var window = RecentEventKeys(capacity: capacity)
            let generation = max(1, capacity / 2)
            var previous: [UInt64] = []
            var current: [UInt64] = []
            for step in 0..<20_000 {
                let key = UInt64.random(in: 1...UInt64(capacity * 3), using: &rng)
                let expected = !previous.contains(key) && !current.contains(key)
                if step % 3 == 0 {
                    XCTAssertEqual(window.admit([key, 0]), [expected, true])
                } else {
                    XCTAssertEqual(window.insert(key), expected)
                }
                if expected {
                    if current.count == generation {
                        previous = current
                        current = []
                    }
                    current.append(key)
                }
            }
            XCTAssertEqual(window.count, previous.count + current.count)
            let keys = window.keysInArrivalOrder
            XCTAssertEqual(Array(keys.prefix(previous.count)).sorted(), previous.sorted(), "capacity \(capacity)")
            XCTAssertEqual(Array(keys.suffix(current.count)).sorted(), current.sorted(), "capacity \(capacity)")
            var rebuilt = RecentEventKeys(capacity: capacity)
            for key in keys { XCTAssertTrue(rebuilt.insert(key)) }
            for key in 1...UInt64(capacity * 3) {
                let remembered = previous.contains(key) || current.contains(key)
                XCTAssertEqual(window.contains(key), remembered)
                XCTAssertEqual(rebuilt.contains(key), remembered)
            }
            // The next new key rotates both the same way.
            let fresh = UInt64(capacity * 3 + 1)
            XCTAssertTrue(window.insert(fresh))
            XCTAssertTrue(rebuilt.insert(fresh))
            XCTAssertEqual(window.keysInArrivalOrder.sorted(), rebuilt.keysInArrivalOrder.sorted())
        }
    }

    /// Keys repeated inside one batch: only the first copy is admitted, also across a generation change.
    func testABatchDropsItsOwnRepeatsAcrossAGenerationChange() {
        var window = RecentEventKeys(capacity: 4)
        XCTAssertEqual(
            window.admit([1, 2, 3, 1, 0, 4, 5, 3, 0, 6]),
            [true, true, true, false, true, true, true, false, true, true]
        )
        // Generations: {1, 2} forgotten, {3, 4} previous, {5, 6} current. A duplicate does not rotate them.
        XCTAssertEqual(window.count, 4)
        XCTAssertEqual(window.admit([4, 6]), [false, false])
        // 1 is new and finds {5, 6} full: {3, 4} is forgotten, so 3 is new too, and 6 is still remembered.
        XCTAssertEqual(window.admit([1, 3, 6]), [true, true, false])
    }

    func testEventKeyDigestIsStableAndNeverZeroForAnId() {
        XCTAssertEqual(EventKey.digest(""), 0)
        // FNV-1a 64 of "a", computed by hand: (offset basis ^ 0x61) * prime mod 2^64.
        XCTAssertEqual(EventKey.digest("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertNotEqual(EventKey.digest("req-1"), EventKey.digest("req-2"))
    }

    /// The window is a value: a copy (a snapshot's view of the store) keeps its keys while the original goes on,
    /// through a generation change on either side.
    func testCopiesAreIndependent() {
        var window = RecentEventKeys(capacity: 8)
        for key: UInt64 in 1...6 { XCTAssertTrue(window.insert(key)) }
        var copy = window
        XCTAssertTrue(copy.insert(100))
        for key: UInt64 in 200...210 { XCTAssertTrue(window.insert(key)) }
        XCTAssertFalse(window.contains(100))
        XCTAssertFalse(window.contains(1))
        XCTAssertTrue(copy.contains(1))
        XCTAssertTrue(copy.contains(100))
        XCTAssertFalse(copy.contains(200))
        XCTAssertFalse(copy.insert(6))
        XCTAssertEqual(copy.count, 7)
        XCTAssertEqual(copy.keysInArrivalOrder.sorted(), [1, 2, 3, 4, 5, 6, 100])
    }
}
