import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class StringInternerTests: XCTestCase {
    /// Against a dictionary: every string gets the index of its first appearance, the table holds each distinct
    /// string once in order, across many growths, and again after `removeAll`.
    func testIndicesAreThoseOfFirstAppearance() {
        var rng = SplitMix64(seed: 99)
        let names =
            (0..<20_000).map { "emp-\($0)" } + ["", "zoë", "Ω-omega", "🙂", String(repeating: "x", count: 300)]
        var interner = StringInterner()
        for round in 0..<2 {
            var table: [String] = []
            var reference: [String: UInt32] = [:]
            var order: [String] = []
            for _ in 0..<60_000 {
                let name = names[Int.random(in: 0..<(round == 0 ? names.count : 500), using: &rng)]
                let expected = reference[name] ?? UInt32(order.count)
                if reference[name] == nil {
                    reference[name] = expected
                    order.append(name)
                }
                XCTAssertEqual(interner.index(of: name, in: &table), expected, name)
            }
            XCTAssertEqual(table, order, "round \(round)")
            interner.removeAll()
        }
    }

    /// Strings whose hashes collide in their first slot (a tiny table, many similar keys) are still told apart.
    func testSimilarKeysAreToldApart() {
        var interner = StringInterner()
        var table: [String] = []
        let keys = (0..<1000).map { "s-\($0 % 10)-\($0 / 10)" }
        for (i, key) in keys.enumerated() { XCTAssertEqual(interner.index(of: key, in: &table), UInt32(i)) }
        for (i, key) in keys.enumerated().reversed() { XCTAssertEqual(interner.index(of: key, in: &table), UInt32(i)) }
        XCTAssertEqual(table, keys)
    }
}
