/// One batch's writes to the day columns, made ready before the batch is applied so that two threads can each add
/// the events of their own employees: every column the batch reaches exists and has room for every employee id,
/// and is written through a pointer, with no ownership check per event. What the employees share is summed per
/// call instead (`Sums`: the per-day model totals, and how long each column must be) and added afterwards
/// (`DayColumns.finish`).
///
/// Every running total is a wrapping sum and the active hours a bitwise or, so adding the events of disjoint sets
/// of employees apart, in any order, gives the columns the same bytes as adding them one by one in order; the
/// model totals are saturating sums of non-negative counts, which do not depend on grouping either.
struct DayColumnWriter: @unchecked Sendable {
    /// The batch's days, ascending, each with at least one of the events to apply.
    let days: [Int32]
    /// The column of each of `days`, as an index into `totals`.
    let columns: [Int]
    /// The running totals of every column from the oldest of `days`' to the newest one, each with room for every
    /// employee id of the batch. Valid until the day columns next change; written only by `add`.
    let totals: [UnsafeMutablePointer<RunningTotals>]
    /// How many employees each of `totals` has room for (checked in debug builds only: the apply loop's cost).
    let room: [Int]
    /// How many models the batch names: the model totals are summed by the batch's own model index.
    let modelCount: Int

    /// What one call of `add` sums for the events it was given.
    struct Sums {
        /// Per day of `days` and per batch model (`day × modelCount + model`), the events' totals.
        var models: [ModelDayTotals]
        /// Per day of `days`, the highest employee id with an event that day (-1 for none).
        var highestEmployee: [Int32]
    }

    /// Sums of no events yet.
    func emptySums() -> Sums {
        Sums(
            models: [ModelDayTotals](repeating: ModelDayTotals(), count: days.count * modelCount),
            highestEmployee: [Int32](repeating: -1, count: days.count)
        )
    }

    /// Adds `events` to the running totals of their employees, and their model totals and highest ids to `sums`.
    /// Calls on two threads at once must be given events of disjoint sets of employees.
    func add(_ events: UnsafeBufferPointer<ApplyingEvent>, to sums: inout Sums) {
        guard !events.isEmpty else { return }
        totals.withUnsafeBufferPointer { totals in
            sums.models.withUnsafeMutableBufferPointer { models in
                sums.highestEmployee.withUnsafeMutableBufferPointer { highest in
                    var lookup = DayLookup(days: days)
                    var column = totals[columns[0]]
                    for event in events {
                        if lookup.moveTo(event.timestampMillis) { column = totals[columns[lookup.slot]] }
                        let slot = lookup.slot
                        let employee = Int(event.employee)
                        assert(employee < room[columns[slot]], "an employee beyond the room made for the batch")
                        let tokens = event.counts.total
                        column[employee].tokens &+= tokens
                        column[employee].cost &+= event.cost
                        column[employee].output &+= event.counts.output
                        column[employee].events &+= 1
                        column[employee].hours |= HourMask.bit(at: event.timestampMillis, on: lookup.day)
                        // An event older than the newest day is in every later day's running totals too.
                        for later in columns[slot] + 1..<totals.count {
                            totals[later][employee].tokens &+= tokens
                            totals[later][employee].cost &+= event.cost
                            totals[later][employee].output &+= event.counts.output
                            totals[later][employee].events &+= 1
                        }
                        if event.employee > highest[slot] { highest[slot] = event.employee }
                        let model = slot &* modelCount &+ Int(event.model)
                        models[model].counts.add(event.counts)
                        models[model].cost = models[model].cost.saturatingAdd(event.cost)
                        models[model].events &+= 1
                    }
                }
            }
        }
    }

    /// The highest employee id among `events` on each of `days` (which hold every event's day), -1 for none: how
    /// long each column must be before the events are added.
    static func highestEmployees(of events: UnsafeBufferPointer<ApplyingEvent>, days: [Int32]) -> [Int32] {
        var highest = [Int32](repeating: -1, count: days.count)
        var lookup = DayLookup(days: days)
        for event in events {
            lookup.moveTo(event.timestampMillis)
            highest[lookup.slot] = Swift.max(highest[lookup.slot], event.employee)
        }
        return highest
    }

    /// The day of the latest event looked at and its index in the batch's days: consecutive events are mostly of
    /// the same day, which is then told with a subtraction and a comparison.
    private struct DayLookup {
        let days: [Int32]
        private(set) var day: Day
        private(set) var slot = 0

        init(days: [Int32]) {
            self.days = days
            day = Day(number: days[0])
        }

        /// Moves to the day of `millis`, which must be one of `days`; true when it is another day than before.
        @inline(__always)
        @discardableResult
        mutating func moveTo(_ millis: Int64) -> Bool {
            let sinceDayStart = millis &- day.startMillis
            guard sinceDayStart < 0 || sinceDayStart >= 86_400_000 else { return false }
            day = Day(timestampMillis: millis)
            var low = 0
            var high = days.count - 1
            while low < high {
                let middle = (low + high) / 2
                if days[middle] < day.number { low = middle + 1 } else { high = middle }
            }
            slot = low
            return true
        }
    }
}
