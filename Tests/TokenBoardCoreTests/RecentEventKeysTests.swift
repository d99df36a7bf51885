import TokenBoardCore
import XCTest

final class RecentEventKeysTests: XCTestCase {
    func testSecondDeliveryIsRefusedUntilTheKeyLeavesTheWindow() {
        var window = RecentEventKeys(capacity: 3)
        XCTAssertTrue(window.insert(10))
        XCTAssertTrue(window.insert(20))
        XCTAssertFalse(window.insert(10))
        XCTAssertTrue(window.insert(30))
        XCTAssertEqual(window.count, 3)
        // A fourth key evicts the oldest (10): 10 is new again, 20 is now the oldest and is evicted by it.
        XCTAssertTrue(window.insert(40))
        XCTAssertEqual(window.keysInArrivalOrder, [20, 30, 40])
        XCTAssertTrue(window.insert(10))
        XCTAssertEqual(window.keysInArrivalOrder, [30, 40, 10])
        XCTAssertFalse(window.contains(20))
        XCTAssertTrue(window.contains(30))
        XCTAssertEqual(window.count, 3)
    }

    /// Against the obvious model (an array in arrival order), through many evictions, with keys chosen so that
    /// probe runs collide and wrap around the table, which exercises the backward-shift deletion.
    func testAgreesWithASimpleModelThroughManyEvictions() {
        var rng = SplitMix64(seed: 7)
        for capacity in [1, 2, 5, 64, 1000] {
            var window = RecentEventKeys(capacity: capacity)
            var model: [UInt64] = []
            for _ in 0..<20_000 {
                let key = UInt64.random(in: 1...UInt64(capacity * 3), using: &rng)
                let expected = !model.contains(key)
                XCTAssertEqual(window.insert(key), expected)
                if expected {
                    model.append(key)
                    if model.count > capacity { model.removeFirst() }
                }
            }
            XCTAssertEqual(window.keysInArrivalOrder, model, "capacity \(capacity)")
            for key in 1...UInt64(capacity * 3) {
                XCTAssertEqual(window.contains(key), model.contains(key))
            }
        }
    }

    func testEventKeyDigestIsStableAndNeverZeroForAnId() {
        XCTAssertEqual(EventKey.digest(""), 0)
        // FNV-1a 64 of "a", computed by hand: (offset basis ^ 0x61) * prime mod 2^64.
        XCTAssertEqual(EventKey.digest("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertNotEqual(EventKey.digest("req-1"), EventKey.digest("req-2"))
    }
}
