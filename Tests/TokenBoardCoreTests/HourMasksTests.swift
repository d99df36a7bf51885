import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

/// Active hours live in the day columns, beside each employee's running totals of that day: each day's mask is
/// that day's alone (a new column starts with none), late events and days inserted between others included, and
/// snapshots carry them exactly.
final class HourMasksTests: XCTestCase {
    private let employees = 20
    private let firstDay: Int32 = 20_000

    /// Random events on 12 days, one in eight up to five days late, no event ever on day 20,003 until a late one
    /// lands there (a column inserted between two others). Returns the masks a dictionary keeps.
    private func feed(_ steps: Range<Int>, into store: inout ShardStore, _ masks: inout [[Int32: UInt32]]) throws {
        var rng = SplitMix64(seed: UInt64(steps.lowerBound) + 11)
        var builder = EventBatchBuilder()
        for step in steps {
            let employee = Int.random(in: 0..<employees, using: &rng)
            var day = firstDay + Int32(step / 250)
            if day == firstDay + 3 { day += 1 }
            if Int.random(in: 0..<8, using: &rng) == 0 { day -= Int32.random(in: 1...5, using: &rng) }
            let hour = Int64.random(in: 0..<24, using: &rng)
            let millis = Int64(day) * 86_400_000 + hour * 3_600_000 + Int64.random(in: 0..<3_600_000, using: &rng)
            XCTAssertTrue(
                builder.append(
                    UsageEvent(
                        timestampMillis: millis,
                        employee: "emp-\(employee)",
                        model: "claude-haiku-4-5",
                        counts: TokenCounts(input: 1, output: 0, cacheWrite: 0, cacheRead: 0)
                    )
                )
            )
            masks[employee][day, default: 0] |= 1 << UInt32(hour)
            if builder.count == 97 { try store.apply(builder.take()) }
        }
        if builder.count > 0 { try store.apply(builder.take()) }
    }

    private func check(_ store: ShardStore, _ masks: [[Int32: UInt32]], _ context: String) throws {
        for employee in 0..<employees {
            guard let id = store.employees.id(of: "emp-\(employee)") else { continue }
            let expected = masks[employee]
            XCTAssertEqual(
                store.days.hourMasks(of: Int(id)),
                expected.keys.sorted().map { HourMask(day: $0, hours: expected[$0]!) },
                "\(context): emp-\(employee)"
            )
            // Days with at least 2 active hours between days 20,003 and 20,010.
            XCTAssertEqual(
                store.days.activeDays(of: Int(id), from: firstDay + 3, through: firstDay + 10, minHours: 2),
                expected.filter { (firstDay + 3...firstDay + 10).contains($0.key) && $0.value.nonzeroBitCount >= 2 }
                    .keys.sorted(),
                "\(context): emp-\(employee)"
            )
        }
    }

    func testMasksAreEachDaysOwnAndSurviveASnapshot() throws {
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        var masks = [[Int32: UInt32]](repeating: [:], count: employees)
        try feed(0..<1500, into: &store, &masks)
        XCTAssertTrue(store.days.days.contains(firstDay + 3), "a late event opened the skipped day")
        try check(store, masks, "live")

        let bytes = store.snapshot()
        var loaded = try ShardStore(snapshot: bytes, priceBook: store.priceBook)
        try check(loaded, masks, "loaded")
        XCTAssertEqual(loaded.snapshot(), bytes)
        try feed(1500..<3000, into: &loaded, &masks)
        try check(loaded, masks, "after more events")
    }

    /// A snapshot whose mask names a day the employee had no events on is refused, not loaded without it.
    func testAMaskOnADayWithoutEventsIsRefused() throws {
        var store = ShardStore(priceBook: try PriceBook(contentsOf: shippedPriceBookPath()))
        var builder = EventBatchBuilder()
        for (employee, day) in [("a", firstDay), ("b", firstDay + 1)] {
            XCTAssertTrue(
                builder.append(
                    UsageEvent(
                        timestampMillis: Int64(day) * 86_400_000 + 5 * 3_600_000,
                        employee: employee,
                        model: "claude-haiku-4-5",
                        counts: TokenCounts(input: 3, output: 0, cacheWrite: 0, cacheRead: 0)
                    )
                )
            )
        }
        try store.apply(builder.take())
        var bytes = store.snapshot()
        // The snapshot ends with b's one mask: day, then hours. Move it to a's day.
        XCTAssertEqual(Array(bytes.suffix(8)), withUnsafeBytes(of: (firstDay + 1, UInt32(1 << 5))) { Array($0) })
        withUnsafeBytes(of: firstDay) { bytes.replaceSubrange(bytes.count - 8..<bytes.count - 4, with: $0) }
        XCTAssertThrowsError(try ShardStore(snapshot: bytes, priceBook: store.priceBook)) {
            XCTAssertTrue("\($0)".contains("a day without their events"), "\($0)")
        }
    }
}
