import XCTest

@testable import TokenBoardCore

/// The day columns' share of a batch, written through `DayColumnWriter`: each column ends as the running totals of
/// its day worked out by hand, however the events are cut between calls, and only as long as its days' highest
/// employee id.
final class DayColumnWriterTests: XCTestCase {
    private let first = Day(year: 2026, month: 11, day: 2)

    /// An event of `employee` at `hour` of `first` + `day`, of batch model `model`.
    private func event(_ employee: Int32, day: Int32, hour: Int64, model: UInt16, input: UInt64, cost: UInt64)
        -> ApplyingEvent
    {
        let batched = BatchedEvent(
            employee: 0,
            model: model,
            tool: 0,
            session: 0,
            timestampMillis: first.adding(days: Int(day)).startMillis + hour * 3_600_000 + 1_234,
            counts: TokenCounts(input: input, output: input / 2, cacheWrite: 0, cacheRead: 1)
        )
        var event = [employee].withUnsafeBufferPointer { employees in
            [UInt64(0)].withUnsafeBufferPointer { sessionKeys in
                ApplyingEvent(batched, employees: employees, sessionKeys: sessionKeys, rates: [nil, nil])
            }
        }
        event.cost = cost
        return event
    }

    /// Columns for days 0, 2 and 5 from an earlier batch (employees 0–3 on day 0), then a batch of days 2 and 0
    /// (late) for employees 0–9, cut into `parts` calls in `order`.
    private func columns(cutInto parts: [Range<Int>], order: [Int]) -> (DayColumns, [ApplyingEvent]) {
        var columns = DayColumns()
        let earlier = (0..<4).map { event(Int32($0), day: 0, hour: 1, model: 0, input: 10, cost: 5) }
        apply(earlier, days: [first.number], to: &columns, parts: [0..<earlier.count], order: [0])
        columns.makeColumns(for: [first.number + 5])
        // In employee order, as the store applies them; employee 7 has no events, 9 only late ones.
        var batch: [ApplyingEvent] = []
        for employee in Int32(0)..<10 where employee != 7 {
            if employee != 9 {
                batch.append(event(employee, day: 2, hour: 23, model: 1, input: 100 + UInt64(employee), cost: 7))
                batch.append(event(employee, day: 2, hour: 3, model: 0, input: 1, cost: 1))
            }
            if employee % 3 == 0 { batch.append(event(employee, day: 0, hour: 13, model: 1, input: 1_000, cost: 70)) }
        }
        apply(batch, days: [first.number, first.number + 2], to: &columns, parts: parts, order: order)
        return (columns, batch)
    }

    private func apply(
        _ events: [ApplyingEvent],
        days: [Int32],
        to columns: inout DayColumns,
        parts: [Range<Int>],
        order: [Int]
    ) {
        events.withUnsafeBufferPointer { events in
            let writer = columns.writer(for: days, events: events, employeeCount: 10, modelCount: 2)
            var sums = parts.map { _ in writer.emptySums() }
            for part in order { writer.add(UnsafeBufferPointer(rebasing: events[parts[part]]), to: &sums[part]) }
            // Batch models 0 and 1 are the shard's models 3 and 1.
            columns.finish(writer, sums: sums, models: [3, 1])
        }
    }

    func testRunningTotalsAndModelTotalsByHand() {
        let (columns, _) = columns(cutInto: [0..<20], order: [0])
        XCTAssertEqual(columns.days, [first.number, first.number + 2, first.number + 5])
        let day0 = columns.columns[0].totals
        let day2 = columns.columns[1].totals
        let day5 = columns.columns[2].totals
        // Day 0: employees 0–3 from the first batch (10 input + 5 output + 1 cache read, cost 5), the late events of
        // employees 0, 3, 6 and 9 (1,000 + 500 + 1, cost 70).
        XCTAssertEqual(day0.count, 10)
        XCTAssertEqual(day0.map(\.tokens), [16 + 1_501, 16, 16, 16 + 1_501, 0, 0, 1_501, 0, 0, 1_501])
        XCTAssertEqual(day0.map(\.cost), [75, 5, 5, 75, 0, 0, 70, 0, 0, 70])
        XCTAssertEqual(day0.map(\.events), [2, 1, 1, 2, 0, 0, 1, 0, 0, 1])
        let both: UInt32 = 1 << 1 | 1 << 13
        let early: UInt32 = 1 << 1
        let late: UInt32 = 1 << 13
        XCTAssertEqual(day0.map(\.hours), [both, early, early, both, 0, 0, late, 0, 0, late])
        // Day 2: day 0's running totals plus each employee's two events (100 + e + (100 + e) / 2 + 1 and 1 + 0 + 1,
        // cost 8); employee 7 has none and 9 only the late one.
        XCTAssertEqual(day2.count, 10)
        for e in 0..<10 {
            let own: UInt64 = e == 7 || e == 9 ? 0 : (100 + UInt64(e)) + (100 + UInt64(e)) / 2 + 1 + 2
            XCTAssertEqual(day2[e].tokens, day0[e].tokens + own, "employee \(e)")
            XCTAssertEqual(day2[e].cost, day0[e].cost + (own > 0 ? 8 : 0), "employee \(e)")
            XCTAssertEqual(day2[e].events, day0[e].events + (own > 0 ? 2 : 0), "employee \(e)")
            XCTAssertEqual(day2[e].hours, own > 0 ? 1 << 23 | 1 << 3 : 0, "employee \(e)")
        }
        // Day 5 had no event of this batch: it carries the late and the day-2 events in its running totals, with no
        // active hours of its own, and was made when only employees 0–3 were known.
        XCTAssertEqual(day5.count, 10)
        XCTAssertEqual(day5.map(\.tokens), day2.map(\.tokens))
        XCTAssertEqual(day5.map(\.hours), Array(repeating: 0, count: 10))
        // Model totals by shard model id: day 0 has model 3 (the first batch) and model 1 (the late events).
        XCTAssertEqual(columns.columns[0].models.count, 4)
        XCTAssertEqual(columns.columns[0].models[3].events, 4)
        XCTAssertEqual(columns.columns[0].models[3].counts.input, 40)
        XCTAssertEqual(columns.columns[0].models[1].events, 4)
        XCTAssertEqual(columns.columns[0].models[1].counts.input, 4_000)
        XCTAssertEqual(columns.columns[0].models[1].cost, 280)
        XCTAssertEqual(columns.columns[1].models[1].events, 8)
        XCTAssertEqual(columns.columns[1].models[1].counts.input, 800 + (0...8).filter { $0 != 7 }.reduce(0, +))
        XCTAssertEqual(columns.columns[1].models[3].events, 8)
        XCTAssertEqual(columns.columns[1].models[3].cost, 8)
        XCTAssertEqual(columns.columns[2].models.count, 0)
    }

    /// Cut at employee boundaries into parts added in any order (as two threads would), the columns are the same.
    func testPartsInAnyOrderEndTheSame() {
        let (whole, batch) = columns(cutInto: [0..<20], order: [0])
        XCTAssertEqual(batch.count, 20)
        // Employees 0–2 | 3–5 | 6–9: positions 0..<7, 7..<14, 14..<20.
        XCTAssertEqual(batch[6].employee, 2)
        XCTAssertEqual(batch[7].employee, 3)
        XCTAssertEqual(batch[13].employee, 5)
        XCTAssertEqual(batch[14].employee, 6)
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let (cut, _) = columns(cutInto: [0..<7, 7..<14, 14..<20], order: order)
            XCTAssertEqual(cut.days, whole.days)
            for c in whole.columns.indices {
                XCTAssertEqual(Array(cut.columns[c].totals), Array(whole.columns[c].totals), "column \(c)")
                XCTAssertEqual(
                    cut.columns[c].models.map { [$0.counts.input, $0.cost, $0.events] },
                    whole.columns[c].models.map { [$0.counts.input, $0.cost, $0.events] }
                )
            }
        }
    }

    /// A column is only as long as the highest employee id with an event on its day or before, as adding the
    /// events one at a time made it, although the writer had room for every id.
    func testColumnsAreAsLongAsTheirDaysHighestEmployee() {
        var columns = DayColumns()
        let events = [
            event(3, day: 0, hour: 0, model: 0, input: 1, cost: 0),
            event(12, day: 1, hour: 0, model: 0, input: 1, cost: 0),
        ]
        events.withUnsafeBufferPointer { events in
            let writer = columns.writer(
                for: [first.number, first.number + 1],
                events: events,
                employeeCount: 50,
                modelCount: 1
            )
            var sums = writer.emptySums()
            writer.add(events, to: &sums)
            columns.finish(writer, sums: [sums, writer.emptySums()], models: [0])
        }
        XCTAssertEqual(columns.columns.map(\.totals.count), [4, 13])
    }

    /// A late event makes room in the past days' columns for its own employee only, not for every employee of the
    /// shard: growing a past column would copy it out of the spill file.
    func testLateEventsGrowPastColumnsOnlyAsFarAsTheyNeed() {
        var columns = DayColumns()
        let days = (Int32(0)..<3).map { first.number + $0 }
        let early = (Int32(0)..<10).map { event($0, day: 0, hour: 0, model: 0, input: 1, cost: 0) }
        early.withUnsafeBufferPointer { events in
            let writer = columns.writer(for: [days[0]], events: events, employeeCount: 10, modelCount: 1)
            var sums = writer.emptySums()
            writer.add(events, to: &sums)
            columns.finish(writer, sums: [sums], models: [0])
        }
        columns.makeColumns(for: [days[1], days[2]])
        let roomBefore = columns.columns.map(\.totals.capacity)
        XCTAssertTrue(roomBefore.allSatisfy { $0 < 100_000 })
        // The shard knows 100,000 employees by now; one late event of employee 4 on day 1.
        let late = [event(4, day: 1, hour: 5, model: 0, input: 9, cost: 0)]
        late.withUnsafeBufferPointer { events in
            let writer = columns.writer(for: [days[1]], events: events, employeeCount: 100_000, modelCount: 1)
            var sums = writer.emptySums()
            writer.add(events, to: &sums)
            columns.finish(writer, sums: [sums], models: [0])
        }
        XCTAssertEqual(columns.columns.map(\.totals.capacity), roomBefore)
        XCTAssertEqual(columns.columns.map(\.totals.count), [10, 10, 10])
        // Input, half of it as output, and one cache read: 1 + 0 + 1 early, 9 + 4 + 1 late.
        XCTAssertEqual(columns.columns.map { $0.totals[4].tokens }, [2, 2 + 14, 2 + 14])
        XCTAssertEqual(columns.columns.map { $0.totals[4].hours }, [1, 1 << 5, 0])
    }
}

extension RunningTotals: CustomStringConvertible {
    public var description: String { "(\(tokens) tokens, \(cost) cost, \(events) events, hours \(hours))" }
}
