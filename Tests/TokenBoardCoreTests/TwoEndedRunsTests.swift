import Dispatch
import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

/// Runs of whole employees shared by two threads: they cover the batch once, split only between employees, and
/// each run goes to exactly one taker, whichever end it takes from and however the takers interleave.
final class TwoEndedRunsTests: XCTestCase {
    /// 5,000 events in employee order over 300 employees, one of them with 1,200 events in a row.
    private func batch() -> (order: EmployeeOrder, ids: [Int32]) {
        var rng = SplitMix64(seed: 8)
        let batchEmployees = (0..<5_000).map { i in
            (1_000..<2_200).contains(i) ? UInt32(7) : UInt32.random(in: 0..<300, using: &rng)
        }
        let localIDs = (0..<300).map { Int32($0) }
        let events = batchEmployees.map {
            BatchedEvent(employee: $0, model: 0, tool: 0, session: 0, timestampMillis: 0, counts: .zero)
        }
        let order = EmployeeOrder(events: events, localIDs: localIDs, employeeCount: 300)
        let ids = order.indices!.map { localIDs[Int(batchEmployees[Int($0)])] }
        return (order, ids)
    }

    func testRunsCoverTheBatchAndSplitOnlyBetweenEmployees() {
        let (order, ids) = batch()
        let runs = TwoEndedRuns(count: ids.count, runs: 16, order: order) { ids[$0] }
        XCTAssertEqual(runs.bounds.first, 0)
        XCTAssertEqual(runs.bounds.last, 5_000)
        XCTAssertEqual(runs.count, 16)
        XCTAssertEqual(runs.bounds, runs.bounds.sorted())
        for bound in runs.bounds.dropFirst().dropLast() where bound < ids.count && bound > 0 {
            XCTAssertNotEqual(ids[bound - 1], ids[bound], "a run boundary inside employee \(ids[bound])")
        }
        // Employee 7's 1,200-odd events are one run, or within one: the cut nearest them moved past them.
        let sevens = ids.indices.filter { ids[$0] == 7 }
        XCTAssertGreaterThan(sevens.count, 1_200)
        XCTAssertEqual(runs.bounds.filter { $0 > sevens.first! && $0 <= sevens.last! }, [])
    }

    func testOneTakerAloneTakesEveryRunFromItsEnd() {
        let (order, ids) = batch()
        for fromFront in [true, false] {
            let runs = TwoEndedRuns(count: ids.count, runs: 8, order: order) { ids[$0] }
            var mine = 0
            var taken: [Range<Int>] = []
            while let run = runs.next(fromFront: fromFront, mine: &mine) { taken.append(run) }
            let expected = (0..<8).map { runs.bounds[$0]..<runs.bounds[$0 + 1] }
            XCTAssertEqual(taken, fromFront ? expected : expected.reversed())
            XCTAssertEqual(mine, 8)
            XCTAssertNil(runs.next(fromFront: !fromFront, mine: &mine))
        }
    }

    /// Two threads taking at once, 300 times over: every event position is taken exactly once.
    func testTwoTakersShareEveryRunOnce() {
        let (order, ids) = batch()
        final class Taken: @unchecked Sendable {
            // Each taker writes only its own.
            var front: [Range<Int>] = []
            var back: [Range<Int>] = []
        }
        for _ in 0..<300 {
            let runs = TwoEndedRuns(count: ids.count, runs: 16, order: order) { ids[$0] }
            let taken = Taken()
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                var mine = 0
                while let run = runs.next(fromFront: side == 0, mine: &mine) {
                    if side == 0 { taken.front.append(run) } else { taken.back.append(run) }
                }
            }
            var covered = [Int](repeating: 0, count: ids.count)
            for run in taken.front + taken.back { for position in run { covered[position] += 1 } }
            XCTAssertEqual(covered, Array(repeating: 1, count: ids.count))
            XCTAssertEqual(taken.front.count + taken.back.count, 16)
        }
    }
}
