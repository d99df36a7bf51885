import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class EmployeeOrderTests: XCTestCase {
    private func events(employees: [UInt32]) -> [BatchedEvent] {
        employees.map { BatchedEvent(employee: $0, model: 0, tool: 0, session: 0, timestampMillis: 0, counts: .zero) }
    }

    /// Grouped by shard-local id, ascending, each employee's events in arrival order.
    func testGroupsByLocalIDAndKeepsEachEmployeesOrder() throws {
        // Batch employee i is shard-local id localIDs[i].
        let localIDs: [Int32] = [7, 2, 5, 0]
        var rng = SplitMix64(seed: 3)
        let batchEmployees = (0..<600).map { _ in UInt32.random(in: 0..<4, using: &rng) }
        let order = try XCTUnwrap(
            EmployeeOrder(events: events(employees: batchEmployees), localIDs: localIDs, employeeCount: 8).indices
        )
        let expected = (0..<600).sorted {
            (localIDs[Int(batchEmployees[$0])], $0) < (localIDs[Int(batchEmployees[$1])], $1)
        }
        XCTAssertEqual(order.map(Int.init), expected)
    }

    /// More employees than events: buckets of neighbouring ids, still ascending by bucket and stable.
    func testManyEmployeesSortsByBucketStably() throws {
        var rng = SplitMix64(seed: 4)
        let employeeCount = 100_000
        let localIDs = (0..<1_000).map { _ in Int32.random(in: 0..<Int32(employeeCount), using: &rng) }
        let batchEmployees = (0..<700).map { _ in UInt32.random(in: 0..<1_000, using: &rng) }
        let order = try XCTUnwrap(
            EmployeeOrder(events: events(employees: batchEmployees), localIDs: localIDs, employeeCount: employeeCount)
                .indices
        )
        // 100,000 ids over at most 700 buckets: 256 ids per bucket (shift 8).
        let bucket = { (i: Int) in localIDs[Int(batchEmployees[i])] >> 8 }
        XCTAssertEqual(order.map(Int.init), (0..<700).sorted { (bucket($0), $0) < (bucket($1), $1) })
    }

    /// A split point leaves no employee on both sides, sorted fully or by buckets of ids; arrival order splits
    /// only at the end.
    func testSplitsLeaveNoEmployeeOnBothSides() throws {
        var rng = SplitMix64(seed: 5)
        for employeeCount in [40, 100_000] {
            let localIDs = (0..<1_000).map { _ in Int32.random(in: 0..<Int32(employeeCount), using: &rng) }
            // Some employees with many events, as the heavy tail has.
            let batchEmployees = (0..<2_000).map { i in
                i % 3 == 0 ? UInt32(i % 2) : UInt32.random(in: 0..<1_000, using: &rng)
            }
            let order = EmployeeOrder(
                events: events(employees: batchEmployees),
                localIDs: localIDs,
                employeeCount: employeeCount
            )
            let ids = try XCTUnwrap(order.indices).map { localIDs[Int(batchEmployees[Int($0)])] }
            var splits = 0
            for target in stride(from: 0, through: ids.count, by: 37) {
                let split = order.split(near: target, count: ids.count) { ids[$0] }
                XCTAssertGreaterThanOrEqual(split, target)
                XCTAssertLessThanOrEqual(split, ids.count)
                XCTAssertTrue(Set(ids[..<split]).isDisjoint(with: ids[split...]), "split at \(split)")
                if split > 0 && split < ids.count { splits += 1 }
            }
            XCTAssertGreaterThan(splits, 10)
        }
        let arrival = EmployeeOrder(events: events(employees: [0, 1, 0]), localIDs: [1, 0], employeeCount: 2)
        XCTAssertEqual(arrival.split(near: 1, count: 3) { _ in 0 }, 3)
        XCTAssertEqual(arrival.split(near: 0, count: 3) { _ in 0 }, 0)
    }

    func testSmallBatchesKeepArrivalOrder() {
        XCTAssertNil(EmployeeOrder(events: events(employees: [0, 1, 0]), localIDs: [1, 0], employeeCount: 2).indices)
    }

    /// The store applies a large batch in employee order: it must end exactly as applying the same events one at a
    /// time in arrival order does — the same snapshot bytes, sessions, cells, hour masks and the event-id window
    /// included — with late events, repeated ids and sessions that go quiet and resume.
    func testAStoreEndsTheSameAsInArrivalOrder() throws {
        let prices = try PriceBook(contentsOf: shippedPriceBookPath())
        var rng = SplitMix64(seed: 11)
        let start = Day(number: 20_700).startMillis
        var clock = start
        var usage: [UsageEvent] = []
        for i in 0..<3_000 {
            clock += Int64.random(in: 0...240_000, using: &rng)
            // One event in ten is up to two days late.
            let late = Int.random(in: 0..<10, using: &rng) == 0 ? Int64.random(in: 1...172_800_000, using: &rng) : 0
            let employee = Int.random(in: 0..<150, using: &rng)
            usage.append(
                UsageEvent(
                    // Every event has an id; one in twenty repeats an earlier event's.
                    id: "e-\(Int.random(in: 0..<20, using: &rng) == 0 ? Int.random(in: 0...i, using: &rng) : i)",
                    timestampMillis: max(start, clock - late),
                    employee: "emp-\(employee)",
                    model: ["claude-opus-4-5", "gpt-5", "gemini-2.5-flash", "acme-7b"].randomElement(using: &rng)!,
                    tool: ["claude-code", "cursor"].randomElement(using: &rng)!,
                    session: "s-\(employee)-\(Int.random(in: 0..<3, using: &rng))",
                    counts: TokenCounts(
                        input: UInt64.random(in: 0...5_000, using: &rng),
                        output: UInt64.random(in: 0...500, using: &rng),
                        cacheWrite: 0,
                        cacheRead: UInt64.random(in: 0...50_000, using: &rng)
                    )
                )
            )
        }
        var whole = ShardStore(priceBook: prices)
        var builder = EventBatchBuilder()
        for event in usage { XCTAssertTrue(builder.append(event)) }
        let batch = builder.take()
        XCTAssertGreaterThanOrEqual(batch.events.count, EmployeeOrder.minimumEvents)
        try whole.apply(batch)

        var oneByOne = ShardStore(priceBook: prices)
        for event in usage {
            var single = EventBatchBuilder()
            XCTAssertTrue(single.append(event))
            try oneByOne.apply(single.take())
        }
        XCTAssertGreaterThan(whole.duplicateEventCount, 0)
        XCTAssertEqual(whole.eventCount + whole.duplicateEventCount, 3_000)
        oneByOne.batchCount = whole.batchCount
        XCTAssertEqual(whole.snapshot(), oneByOne.snapshot())
    }
}
