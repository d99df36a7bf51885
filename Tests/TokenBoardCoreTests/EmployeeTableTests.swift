import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class EmployeeTableTests: XCTestCase {
    /// Ids in order of first sight, through several growths of the table, against a dictionary.
    func testAgreesWithADictionaryThroughGrowth() {
        var rng = SplitMix64(seed: 3)
        var table = EmployeeTable()
        var model: [String: Int32] = [:]
        for _ in 0..<5000 {
            let name = "emp-\(Int.random(in: 0..<2000, using: &rng))"
            let expected = model[name] ?? Int32(model.count)
            model[name] = expected
            XCTAssertEqual(table.intern(name), expected)
        }
        XCTAssertEqual(table.count, model.count)
        for (name, id) in model {
            XCTAssertEqual(table.id(of: name), id)
            XCTAssertEqual(table.names[Int(id)], name)
        }
        XCTAssertNil(table.id(of: "emp-2000"))
        XCTAssertNil(table.id(of: ""))
    }

    /// Keys are told apart by their bytes, including long keys and keys that differ in one late byte.
    func testLongAndNearlyEqualKeysAreDistinct() {
        var table = EmployeeTable()
        let long = String(repeating: "x", count: 256)
        XCTAssertEqual(table.intern(long), 0)
        XCTAssertEqual(table.intern(long + "y"), 1)
        XCTAssertEqual(table.intern("zoë@example.com"), 2)
        XCTAssertEqual(table.intern(long), 0)
        XCTAssertEqual(table.id(of: "zoë@example.com"), 2)
        XCTAssertNil(table.id(of: String(repeating: "x", count: 255)))
    }
}
