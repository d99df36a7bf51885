extension ShardStore {
    /// Applies a batch `check` passed (see there); returns the number of events applied.
    ///
    /// With `applyThreads` 2, a batch of at least `minimumEventsForTwoThreads` events is applied on two threads
    /// that share no state, in two steps. First, one interns the employees and puts the events in employee order,
    /// while the other checks the event ids against the recent ones and makes the batch's day columns. Then one
    /// adds the events to the cells and the other to the session runs, and each, once done, takes runs of whole
    /// employees' events to add to the day columns (`TwoEndedRuns`, `DayColumnWriter`). Each structure ends up as
    /// on one thread: the cells and the session runs get the same events in the same order, and the day columns
    /// hold sums that do not depend on the order they are added in.
    @discardableResult
    public mutating func apply(_ checked: CheckedBatch) -> Int {
        let batch = checked.batch
        let models = batch.models.map { internModel($0) }
        let tables = BatchTables(
            models: models,
            tools: batch.tools.map { internTool($0) },
            rates: models.map { modelRates[Int($0)] }
        )
        let twoThreads = applyThreads > 1 && batch.events.count >= Self.minimumEventsForTwoThreads
        let keyed = batch.events.contains { $0.eventKey != 0 }
        // The session table prunes against the newest day of the batch as a whole, not of the events before the
        // one that fills it up: so the order the events are applied in (`EmployeeOrder`) changes nothing.
        let newestBefore = newestDay?.number ?? .min
        let newestAfter =
            batch.bounds.isEmpty
            ? newestBefore : max(newestBefore, Day(timestampMillis: batch.bounds.latestMillis).number)

        var order: EmployeeOrder?
        // The events in the order they are applied, with their shard-local ids, session digests and costs.
        var sorted: [ApplyingEvent] = []
        var admitted: [Bool]?
        // The days of the events to apply, ascending.
        var batchDays: [Int32] = []
        // Apart: the employee table, the details' records and the gathered events | the event-id window and the day
        // columns.
        ForkJoin.run(
            concurrently: twoThreads && keyed,
            {
                let localIDs = employees.intern(batch.employees)
                // New employees got the ids after every known one, in order: each needs its details.
                while details.employeeCount < employees.count { details.addEmployee() }
                let eventOrder = EmployeeOrder(
                    events: batch.events,
                    localIDs: localIDs,
                    employeeCount: employees.count
                )
                sorted = Self.gather(batch, in: eventOrder, employees: localIDs, rates: tables.rates)
                order = eventOrder
            },
            {
                if keyed { admitted = recentEventKeys.admit(idsOf: batch.events) }
                batchDays = Self.days(of: batch, admitted: admitted)
                // A new day's column is a copy of the day before: made here, beside the interning.
                days.makeColumns(for: batchDays)
            }
        )
        if let admitted, admitted.contains(false) {
            // Rare: a second delivery of some event, which was gathered with the others (the ids were checked
            // meanwhile) and is left out now.
            let indices = order?.indices ?? Array(0..<Int32(batch.events.count))
            sorted = zip(indices, sorted).compactMap { admitted[Int($0)] ? $1 : nil }
        }

        var newCells: UInt64 = 0
        if !sorted.isEmpty {
            sorted.withUnsafeBufferPointer { sorted in
                let writer = days.writer(
                    for: batchDays,
                    events: sorted,
                    employeeCount: employees.count,
                    modelCount: batch.models.count
                )
                var firstSums = writer.emptySums()
                var secondSums = writer.emptySums()
                // The day columns' events, in runs of whole employees for either thread to take: a batch's cells and
                // its session runs differ in cost from batch to batch (a new segment of the run pool faults its
                // pages in), so a fixed split of the rest leaves one thread waiting. On one thread, the first
                // closure takes the one run. (`order` is set by the first step's first closure, which always runs.)
                let runs = TwoEndedRuns(count: sorted.count, runs: twoThreads ? Self.dayColumnRuns : 1, order: order!) {
                    sorted[$0].employee
                }
                // Apart: the cells, then day-column runs from the front | the session runs, then day-column runs
                // from the back.
                ForkJoin.run(
                    concurrently: twoThreads,
                    {
                        newCells = Self.addAll(sorted, to: &details, tables: tables)
                        var taken = 0
                        while let run = runs.next(fromFront: true, mine: &taken) {
                            writer.add(UnsafeBufferPointer(rebasing: sorted[run]), to: &firstSums)
                        }
                    },
                    {
                        for event in sorted { Self.add(event, to: &sessions, newestDay: newestAfter) }
                        var taken = 0
                        while let run = runs.next(fromFront: false, mine: &taken) {
                            writer.add(UnsafeBufferPointer(rebasing: sorted[run]), to: &secondSums)
                        }
                    }
                )
                days.finish(writer, sums: [firstSums, secondSums], models: tables.models)
            }
            newestDay = Day(number: max(newestBefore, batchDays[batchDays.count - 1]))
            oldestDay = Day(number: min(oldestDay?.number ?? .max, batchDays[0]))
        }
        let applied = sorted.count
        cellCount &+= newCells
        duplicateEventCount &+= UInt64(batch.events.count - applied)
        eventCount &+= UInt64(applied)
        batchCount &+= 1
        return applied
    }

    /// The smallest batch `apply` splits over two threads (with `applyThreads` 2): handing work to a second
    /// thread and waiting for it costs some microseconds, the work of a few hundred events.
    public static let minimumEventsForTwoThreads = 4096

    /// How many runs of whole employees a batch's day-column work is cut into for the two threads to share: 8,
    /// 16 and 32 measured alike (docs/BENCHMARKS.md); fewer leave one thread more to wait for.
    static var dayColumnRuns: Int { 16 }

    /// The distinct days of `batch`'s events (only those `admitted`, if given), ascending.
    static func days(of batch: IngestBatch, admitted: [Bool]?) -> [Int32] {
        guard !batch.bounds.isEmpty else { return [] }
        let low = Day(timestampMillis: batch.bounds.earliestMillis).number
        let high = Day(timestampMillis: batch.bounds.latestMillis).number
        if low == high { return admitted?.contains(true) ?? true ? [low] : [] }
        var seen = [Bool](repeating: false, count: Int(high - low) + 1)
        for (index, event) in batch.events.enumerated() where admitted?[index] ?? true {
            seen[Int(Day(timestampMillis: event.timestampMillis).number - low)] = true
        }
        return seen.indices.filter { seen[$0] }.map { low + Int32($0) }
    }

    /// How many events ahead the apply loop asks for an employee's block of recent cells (8 and 16 measured alike,
    /// 2–4% less CPU per event than none).
    static var recentCellsPrefetchDistance: Int { 16 }

    /// A batch's models, tools and rates by the batch's own indices, in the shard's terms.
    struct BatchTables {
        /// The shard-local model id of each of the batch's models.
        var models: [UInt16]
        /// The shard-local tool id of each of the batch's tools.
        var tools: [UInt16]
        /// The list price of each of the batch's models, nil for an unpriced one.
        var rates: [Rates?]
    }

    /// The events of `batch` in `order`, as they are applied: each with its shard-local employee id (`employees`,
    /// by the batch's employee index), its session's digest and its cost.
    static func gather(
        _ batch: IngestBatch,
        in order: EmployeeOrder,
        employees: [Int32],
        rates: [Rates?]
    ) -> [ApplyingEvent] {
        batch.events.withUnsafeBufferPointer { events in
            employees.withUnsafeBufferPointer { employees in
                batch.sessionKeys.withUnsafeBufferPointer { sessionKeys in
                    [ApplyingEvent](unsafeUninitializedCapacity: events.count) { gathered, initialized in
                        @inline(__always) func event(_ index: Int) -> ApplyingEvent {
                            ApplyingEvent(events[index], employees: employees, sessionKeys: sessionKeys, rates: rates)
                        }
                        if let indices = order.indices {
                            // A loop of independent loads whose cache misses overlap, where the apply loop would
                            // wait for each in turn (the batch's tables are indexed in arrival order, which is
                            // random in employee order).
                            for (position, index) in indices.enumerated() {
                                gathered.initializeElement(at: position, to: event(Int(index)))
                            }
                        } else {
                            for index in events.indices { gathered.initializeElement(at: index, to: event(index)) }
                        }
                        initialized = events.count
                    }
                }
            }
        }
    }

    /// Adds `events`, in employee order, to the cells; returns how many new cells were made.
    @inline(__always)
    static func addAll(
        _ events: UnsafeBufferPointer<ApplyingEvent>,
        to details: inout EmployeeDetails,
        tables: BatchTables
    ) -> UInt64 {
        // An event's first read is its employee's block of recent cells, 320 bytes apart from the last
        // employee's: asked for some events ahead, its miss overlaps their work.
        let ahead = recentCellsPrefetchDistance
        var newCells: UInt64 = 0
        for (i, event) in events.enumerated() {
            if i + ahead < events.count { details.prefetchRecentKeys(of: Int(events[i + ahead].employee)) }
            let day = Day(timestampMillis: event.timestampMillis).number
            let key = UsageCell.key(
                day: day,
                model: tables.models[Int(event.model)],
                tool: tables.tools[Int(event.tool)]
            )
            if details.record(employee: Int(event.employee), day: day, key: key, counts: event.counts) {
                newCells &+= 1
            }
        }
        return newCells
    }

    /// Adds one event to its session run.
    @inline(__always)
    static func add(_ event: ApplyingEvent, to sessions: inout SessionSpans, newestDay: Int32) {
        sessions.record(
            employee: event.employee,
            session: event.session,
            at: event.timestampMillis,
            counts: event.counts,
            cost: event.cost,
            newestDay: newestDay
        )
    }
}
