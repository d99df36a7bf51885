import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class EmployeeDetailsTests: XCTestCase {
    /// Events mostly in day order with some late ones, against a dictionary per employee: the same cells (one
    /// per key, exact sums), and new cells reported exactly once per key. Then a copy restored from the sorted
    /// lists must keep agreeing as more events arrive.
    func testAgreesWithDictionariesAndSurvivesARestore() {
        var rng = SplitMix64(seed: 5)
        var details = EmployeeDetails()
        var cells = [[UInt64: TokenCounts]](repeating: [:], count: 30)
        for _ in 0..<30 { details.addEmployee() }

        func feed(_ steps: Range<Int>, into target: inout EmployeeDetails) {
            for step in steps {
                let employee = Int.random(in: 0..<30, using: &rng)
                // The day advances with the step; one event in eight lands up to five days late.
                var day = Int32(20_000 + step / 100)
                if Int.random(in: 0..<8, using: &rng) == 0 { day -= Int32.random(in: 1...5, using: &rng) }
                let key = UsageCell.key(
                    day: day,
                    model: UInt16.random(in: 0..<3, using: &rng),
                    tool: UInt16.random(in: 0..<2, using: &rng)
                )
                let counts = TokenCounts(input: UInt64(step), output: 1, cacheWrite: 0, cacheRead: UInt64(step % 7))
                let isNew = cells[employee][key] == nil
                XCTAssertEqual(
                    target.record(employee: employee, day: day, key: key, counts: counts),
                    isNew,
                    "step \(step)"
                )
                cells[employee][key, default: .zero].add(counts)
            }
        }

        func check(_ details: EmployeeDetails, _ context: String) {
            for employee in 0..<30 {
                let sorted = details.sortedCells(of: employee)
                XCTAssertEqual(sorted.map(\.key), cells[employee].keys.sorted(), context)
                XCTAssertEqual(sorted.map(\.counts), cells[employee].keys.sorted().map { cells[employee][$0]! })
                var visited = 0
                details.forEachCell(of: employee) { cell in
                    XCTAssertEqual(cells[employee][cell.key], cell.counts)
                    visited += 1
                }
                XCTAssertEqual(visited, cells[employee].count)
            }
        }

        feed(0..<2000, into: &details)
        check(details, "before restore")
        var restored = EmployeeDetails()
        for employee in 0..<30 {
            restored.restoreEmployee(cells: details.sortedCells(of: employee))
        }
        check(restored, "restored")
        feed(2000..<3000, into: &restored)
        check(restored, "after restore")
    }

    /// A restored employee's newest day is open again: its next event adds to the restored cell.
    func testRestoreReopensTheNewestDay() {
        var details = EmployeeDetails()
        let key = UsageCell.key(day: 7, model: 0, tool: 0)
        details.restoreEmployee(cells: [UsageCell(key: key, counts: TokenCounts(input: 1))])
        XCTAssertFalse(details.record(employee: 0, day: 7, key: key, counts: TokenCounts(input: 2)))
        XCTAssertTrue(
            details.record(
                employee: 0,
                day: 7,
                key: UsageCell.key(day: 7, model: 1, tool: 0),
                counts: TokenCounts(input: 4)
            )
        )
        XCTAssertEqual(details.sortedCells(of: 0).map(\.counts.input), [3, 4])
    }

    /// More keys on one day than a block holds, each hit twice: the full block becomes a chunk of the chain while
    /// its day goes on, and the second round finds those cells there; then a newer day and a late event of the
    /// first day, whose cell is in the chain: one cell per key, exact sums.
    func testADayOverflowingTheBlockKeepsOneCellPerKey() {
        var details = EmployeeDetails()
        details.addEmployee()
        let capacity = RecentCells.capacity
        let keys = (0..<capacity + 3).map { UsageCell.key(day: 10, model: UInt16($0), tool: 0) }
        for round in 1...2 {
            for (i, key) in keys.enumerated() {
                let new = details.record(
                    employee: 0,
                    day: 10,
                    key: key,
                    counts: TokenCounts(input: UInt64(10 * i + round))
                )
                XCTAssertEqual(new, round == 1, "key \(i) round \(round)")
            }
        }
        XCTAssertEqual(Int(details.records[0].cells.count), capacity)
        XCTAssertEqual(Int(details.records[0].recentCount), 3)
        XCTAssertTrue(
            details.record(
                employee: 0,
                day: 11,
                key: UsageCell.key(day: 11, model: 0, tool: 0),
                counts: TokenCounts(output: 5)
            )
        )
        XCTAssertFalse(
            details.record(employee: 0, day: 10, key: keys[1], counts: TokenCounts(input: 100))
        )
        // Key i got 10 i + 1 and 10 i + 2; key 1 also 100.
        var expected: [UInt64] = (0..<capacity + 3).map { UInt64(20 * $0 + 3) }
        expected[1] += 100
        expected.append(0)
        XCTAssertEqual(details.sortedCells(of: 0).map(\.counts.input), expected)
        XCTAssertEqual(details.sortedCells(of: 0).last?.counts.output, 5)
        var visited = 0
        details.forEachCell(of: 0) { _ in visited += 1 }
        XCTAssertEqual(visited, capacity + 4)
    }

    /// A restored employee whose newest day fills more than the block: its next events of that day find the
    /// cells in the chain, and a new key of it makes one new cell.
    func testRestoredNewestDayInTheChainIsFound() {
        var details = EmployeeDetails()
        let capacity = RecentCells.capacity
        // One older cell, then capacity + 1 of day 8: the chain holds the older cell and capacity - 1 of day 8.
        let cells =
            [UsageCell(key: UsageCell.key(day: 7, model: 0, tool: 0), counts: TokenCounts(input: 1))]
            + (0...capacity).map {
                UsageCell(key: UsageCell.key(day: 8, model: UInt16($0), tool: 0), counts: TokenCounts(input: 1))
            }
        details.restoreEmployee(cells: cells.reversed())
        XCTAssertEqual(Int(details.records[0].cells.count), capacity)
        for model in 0...capacity {
            XCTAssertFalse(
                details.record(
                    employee: 0,
                    day: 8,
                    key: UsageCell.key(day: 8, model: UInt16(model), tool: 0),
                    counts: TokenCounts(input: 10)
                ),
                "model \(model)"
            )
        }
        XCTAssertFalse(
            details.record(employee: 0, day: 7, key: cells[0].key, counts: TokenCounts(input: 10))
        )
        XCTAssertTrue(
            details.record(
                employee: 0,
                day: 8,
                key: UsageCell.key(day: 8, model: 99, tool: 0),
                counts: TokenCounts(input: 5)
            )
        )
        XCTAssertEqual(details.sortedCells(of: 0).map(\.counts.input), Array(repeating: 11, count: capacity + 2) + [5])
    }
}
