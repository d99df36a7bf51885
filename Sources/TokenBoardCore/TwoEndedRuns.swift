import Synchronization

/// A batch's events, in application order, cut into runs of whole employees (`EmployeeOrder.split`) that two
/// threads take from either end until none is left: work either thread can do, left to whichever is free first.
final class TwoEndedRuns: Sendable {
    /// Run `i` is positions `bounds[i]..<bounds[i + 1]`.
    let bounds: [Int]
    /// Runs taken so far, from both ends together.
    private let taken = Atomic<Int>(0)

    /// `count` events cut near `runs` equal parts at the positions `order` can split at; `employeeAt(i)` is the
    /// shard-local id of the event at position `i`.
    init(count: Int, runs: Int, order: EmployeeOrder, employeeAt: (Int) -> Int32) {
        var bounds = [0]
        for part in 1..<runs {
            let split = order.split(near: count * part / runs, count: count, employeeAt: employeeAt)
            bounds.append(Swift.max(split, bounds[bounds.count - 1]))
        }
        bounds.append(count)
        self.bounds = bounds
    }

    var count: Int { bounds.count - 1 }

    /// The next run from the front (`fromFront`) or from the back, nil once every run is taken; `mine` counts the
    /// runs the caller took from its end so far (start at 0).
    func next(fromFront: Bool, mine: inout Int) -> Range<Int>? {
        // Only which runs are taken needs agreeing on: the threads write disjoint state and are joined afterwards.
        guard taken.wrappingAdd(1, ordering: .relaxed).oldValue < count else { return nil }
        let run = fromFront ? mine : count - 1 - mine
        mine += 1
        return bounds[run]..<bounds[run + 1]
    }
}
