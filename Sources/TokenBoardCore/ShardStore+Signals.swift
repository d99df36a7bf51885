extension ShardStore {
    /// The employees of this shard the gaming signals flag over the window, in employee key order, with the
    /// usage `top --adjusted` leaves out (see `FlaggedEmployee`). Exact: each employee is judged whole on the
    /// one shard that owns them.
    public func flagged(window: Window, anchor: Day, rules: SignalRules) -> [FlaggedEmployee] {
        let range = window.range(anchor: anchor)
        let low = range.lowerBound.number
        let high = range.upperBound.number
        let minHours = Int(clamping: rules.aroundClockMinHours)

        var flagged: [Int: FlaggedEmployee] = [:]
        var clockDays: [Int: Set<Int32>] = [:]
        // Around the clock: from each day column's active hours.
        for employee in 0..<employeeNames.count {
            let days = days.activeDays(of: employee, from: low, through: high, minHours: minHours)
            guard !days.isEmpty, UInt64(days.count) >= rules.aroundClockMinDays else { continue }
            var entry = FlaggedEmployee(
                employee: employeeNames[employee],
                idleSessions: 0,
                aroundClockDays: UInt32(days.count),
                tokens: 0,
                output: 0,
                cost: 0
            )
            for day in days {
                let one = Day(number: day)
                let usage = dayUsage(of: employee, on: one)
                entry.tokens = entry.tokens.saturatingAdd(usage.tokens)
                entry.output = entry.output.saturatingAdd(usage.output)
                entry.cost = entry.cost.saturatingAdd(usage.cost)
            }
            flagged[employee] = entry
            clockDays[employee] = Set(days)
        }

        // Idle runs count in the window their last event falls in, as Session Immortal's do.
        let start = low == .min ? Int64.min : range.lowerBound.startMillis
        let end = high == .max ? Int64.max : range.upperBound.adding(days: 1).startMillis
        sessions.forEachRun(endingIn: start, end) { employee, run in
            guard rules.isIdle(run) else { return }
            var entry =
                flagged[employee]
                ?? FlaggedEmployee(
                    employee: employeeNames[employee],
                    idleSessions: 0,
                    aroundClockDays: 0,
                    tokens: 0,
                    output: 0,
                    cost: 0
                )
            entry.idleSessions &+= 1
            // A run ending on an around-the-clock day is already left out with that whole day.
            if clockDays[employee]?.contains(Day(timestampMillis: run.last).number) != true {
                entry.tokens = entry.tokens.saturatingAdd(run.tokens)
                entry.output = entry.output.saturatingAdd(run.output)
                entry.cost = entry.cost.saturatingAdd(run.cost)
            }
            flagged[employee] = entry
        }
        return flagged.values.sorted { $0.employee.utf8.lexicographicallyPrecedes($1.employee.utf8) }
    }

    /// One employee's tokens, output and cost on one day, from the day columns.
    private func dayUsage(of employee: Int, on day: Day) -> (tokens: UInt64, output: UInt64, cost: UInt64) {
        let indices = days.indices(of: day...day)
        let tokens = WindowSums(columns: days, range: indices, employees: employeeNames.count, metric: .tokens)
        let output = WindowSums(columns: days, range: indices, employees: employeeNames.count, metric: .output)
        let cost = WindowSums(columns: days, range: indices, employees: employeeNames.count, metric: .cost)
        return (tokens.scores[employee], output.scores[employee], cost.scores[employee])
    }
}
