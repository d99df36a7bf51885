/// The exact counters of one shard. Two views of the same events, both updated on ingest:
/// - a ranking index of per-employee running totals (tokens, cost, output tokens, events), a column per day with
///   events, so any window's ranking is the difference of two columns;
/// - detail cells of token counts per employee per (day, model, tool), read only for the employees a query
///   returns and for one employee's breakdown;
/// plus per-(day, model) shard totals for spend. Nothing is sampled or approximated.
///
/// A value type with no locking of its own: a worker keeps it behind one lock and applies whole batches.
public struct ShardStore: Sendable {
    public let priceBook: PriceBook

    var employees = EmployeeTable()
    /// Detail cells and active-hour masks per employee.
    var details = EmployeeDetails()
    var days = DayColumns()

    var modelNames: [String] = []
    var modelIndex: [String: UInt16] = [:]
    var modelRates: [Rates?] = []
    var toolNames: [String] = []
    var toolIndex: [String: UInt16] = [:]

    /// The last applied batch of every producer that numbers its batches.
    public var producers = ProducerSequences()
    /// The ids of the latest keyed events, so a record delivered twice is counted once.
    var recentEventKeys: RecentEventKeys
    /// First and last event of every agent session (for the Session Immortal title).
    var sessions: SessionSpans
    /// Where `movePastDays` moves past days' detail; nil keeps it in anonymous memory.
    public let spillFile: SpillFile?

    public internal(set) var newestDay: Day?
    public internal(set) var oldestDay: Day?
    public internal(set) var eventCount: UInt64 = 0
    public internal(set) var batchCount: UInt64 = 0
    public internal(set) var cellCount: UInt64 = 0
    /// Keyed events dropped because their id was already in the recent-id window.
    public internal(set) var duplicateEventCount: UInt64 = 0

    /// An empty store pricing with `priceBook`, remembering the ids of the latest `eventKeyWindow` keyed events.
    /// With a `spillFile`, `movePastDays` moves past days' detail (cells, session runs, day columns) there.
    public init(
        priceBook: PriceBook,
        eventKeyWindow: Int = RecentEventKeys.defaultCapacity,
        sessionCapacity: Int = SessionSpans.defaultCapacity,
        spillFile: SpillFile? = nil
    ) {
        self.priceBook = priceBook
        self.recentEventKeys = RecentEventKeys(capacity: eventKeyWindow)
        self.sessions = SessionSpans(capacity: sessionCapacity)
        self.spillFile = spillFile
    }

    public var employeeCount: Int { employees.count }

    /// Moves what only queries read of past days to the spill file, if the store has one (see `SpillFile`): every
    /// full segment of the cell pool and the session runs, and every day column but the newest. Returns the
    /// bytes moved; a call with nothing new to move costs a few comparisons.
    ///
    /// Not on the ingest path: moving copies the bytes to the file, and a worker does it when ingest pauses, so a
    /// burst of batches is applied at full speed and the copies follow.
    @discardableResult
    public mutating func movePastDays() -> Int {
        guard let spillFile else { return 0 }
        return details.moveFullSegments(to: spillFile) + sessions.moveFullSegments(to: spillFile)
            + days.moveClosedColumns(to: spillFile)
    }

    /// Gives back the pages past the end of the pools kept in huge pages (cells and session runs): a huge page is
    /// resident whole from its first write, so each pool's newest segment holds up to 2 MiB that nothing has used
    /// yet. For when ingest pauses: appends after it fault in 4 KiB pages, which costs a pool being filled at full
    /// speed (see `SegmentedArray.releaseUnusedPages`).
    public func releaseUnusedPoolPages() {
        details.releaseUnusedPages()
        sessions.releaseUnusedPages()
    }

    /// Employee keys by shard-local id.
    var employeeNames: [String] { employees.names }

    // MARK: - Ingest

    /// Checks everything `apply` checks, without changing anything: a batch that passes is applied whole. The
    /// result may be applied without checking again, but only to this store as it is now (a worker checks, logs
    /// and applies under one lock).
    @discardableResult
    public func check(_ batch: EventBatch) throws(BatchError) -> CheckedBatch {
        try check(IngestBatch(batch))
    }

    /// Checks a batch as a worker decoded it (see `check(_:)` for an `EventBatch`); the events are not walked
    /// again: their bounds came with the batch.
    @discardableResult
    public func check(_ batch: IngestBatch) throws(BatchError) -> CheckedBatch {
        try batch.validate()
        let newModels = batch.models.filter { modelIndex[$0] == nil }.count
        let newTools = batch.tools.filter { toolIndex[$0] == nil }.count
        guard modelNames.count + newModels <= Int(UInt16.max), toolNames.count + newTools <= Int(UInt16.max) else {
            throw BatchError(eventIndex: nil, reason: "this shard already tracks 65,535 distinct models or tools")
        }
        if !batch.bounds.isEmpty {
            // Day numbers grow with timestamps, so the days of the earliest and latest events bound all others.
            let low = Day(timestampMillis: batch.bounds.earliestMillis).number
            let high = Day(timestampMillis: batch.bounds.latestMillis).number
            guard days.accepts(low: low, high: high) else {
                throw BatchError(
                    eventIndex: nil,
                    reason:
                        "the batch spans days \(Day(number: low))...\(Day(number: high)): a shard keeps at most \(DayColumns.maxSpan) days"
                )
            }
        }
        return CheckedBatch(batch: batch)
    }

    /// Validates and applies a whole batch, or nothing of it. Returns the number of events applied: an event
    /// whose id is among the recent ones is a second delivery and is skipped.
    @discardableResult
    public mutating func apply(_ batch: EventBatch) throws(BatchError) -> Int {
        apply(try check(batch))
    }

    /// Applies a batch `check` passed (see there); returns the number of events applied.
    @discardableResult
    public mutating func apply(_ checked: CheckedBatch) -> Int {
        let batch = checked.batch
        let employees = internEmployees(batch.employees)
        let models = batch.models.map { internModel($0) }
        let tools = batch.tools.map { internTool($0) }
        let rates = models.map { modelRates[Int($0)] }
        // Each session id was hashed once per batch, when the batch was decoded or converted.
        let sessionKeys = batch.sessionKeys

        var newest = newestDay?.number ?? .min
        var oldest = oldestDay?.number ?? .max
        // The session table prunes against the newest day of the batch as a whole, not of the events before the
        // one that fills it up: so the order the events are applied in (`EmployeeOrder`) changes nothing.
        let newestAfter =
            batch.bounds.isEmpty ? newest : max(newest, Day(timestampMillis: batch.bounds.latestMillis).number)
        var applied = 0
        let admitted: [Bool]? =
            batch.events.contains { $0.eventKey != 0 } ? recentEventKeys.admit(idsOf: batch.events) : nil
        @inline(__always) func applyEvent(_ event: ApplyingEvent) {
            applied += 1
            let day = Day(timestampMillis: event.timestampMillis).number
            if day > newest { newest = day }
            if day < oldest { oldest = day }
            let column = days.index(for: day)
            let employee = Int(event.employee)
            let model = models[Int(event.model)]
            let cost = rates[Int(event.model)]?.cost(of: event.counts) ?? 0
            days.add(
                columnIndex: column,
                employee: employee,
                model: Int(model),
                counts: event.counts,
                cost: cost,
                hourBit: HourMask.bit(at: event.timestampMillis, on: Day(number: day))
            )
            let newCell = details.record(
                employee: employee,
                day: day,
                key: UsageCell.key(day: day, model: model, tool: tools[Int(event.tool)]),
                counts: event.counts
            )
            if newCell { cellCount &+= 1 }
            sessions.record(
                employee: event.employee,
                session: event.session,
                at: event.timestampMillis,
                counts: event.counts,
                cost: cost,
                newestDay: newestAfter
            )
        }
        let order = EmployeeOrder(events: batch.events, localIDs: employees, employeeCount: self.employees.count)
        var duplicates = 0
        batch.events.withUnsafeBufferPointer { events in
            employees.withUnsafeBufferPointer { employees in
                sessionKeys.withUnsafeBufferPointer { sessionKeys in
                    if let indices = order.indices {
                        // The events are gathered into that order first, each with its shard-local employee id and
                        // session digest, and a second delivery left out: a loop of independent loads whose cache
                        // misses overlap, where the apply loop would wait for each in turn (the batch's tables are
                        // indexed in arrival order, which is random in employee order).
                        let sorted = [ApplyingEvent](unsafeUninitializedCapacity: indices.count) {
                            sorted,
                            initialized in
                            var kept = 0
                            for index in indices {
                                let index = Int(index)
                                if let admitted, !admitted[index] {
                                    duplicates += 1
                                    continue
                                }
                                sorted.initializeElement(
                                    at: kept,
                                    to: ApplyingEvent(events[index], employees: employees, sessionKeys: sessionKeys)
                                )
                                kept += 1
                            }
                            initialized = kept
                        }
                        // An event's first read is its employee's block of recent cells, 320 bytes apart from
                        // the last employee's: asked for some events ahead, its miss overlaps their work.
                        let ahead = Self.recentCellsPrefetchDistance
                        sorted.withUnsafeBufferPointer { sorted in
                            for (i, event) in sorted.enumerated() {
                                if i + ahead < sorted.count {
                                    details.prefetchRecentKeys(of: Int(sorted[i + ahead].employee))
                                }
                                applyEvent(event)
                            }
                        }
                    } else {
                        for (index, event) in events.enumerated() {
                            if let admitted, !admitted[index] {
                                duplicates += 1
                                continue
                            }
                            applyEvent(ApplyingEvent(event, employees: employees, sessionKeys: sessionKeys))
                        }
                    }
                }
            }
        }
        duplicateEventCount &+= UInt64(duplicates)
        if applied > 0 {
            newestDay = Day(number: newest)
            oldestDay = Day(number: oldest)
        }
        eventCount &+= UInt64(applied)
        batchCount &+= 1
        return applied
    }

    /// How many events ahead the apply loop asks for an employee's block of recent cells (8 and 16 measured alike,
    /// 2–4% less CPU per event than none).
    static var recentCellsPrefetchDistance: Int { 16 }

    private mutating func internEmployees(_ keys: KeyTable) -> [Int32] {
        let ids = employees.intern(keys)
        // New employees got the ids after every known one, in order: each needs its details.
        while details.employeeCount < employees.count { details.addEmployee() }
        return ids
    }

    private mutating func internModel(_ name: String) -> UInt16 {
        if let known = modelIndex[name] { return known }
        let id = UInt16(modelNames.count)
        modelIndex[name] = id
        modelNames.append(name)
        modelRates.append(priceBook.entry(for: name)?.rates)
        return id
    }

    private mutating func internTool(_ name: String) -> UInt16 {
        if let known = toolIndex[name] { return known }
        let id = UInt16(toolNames.count)
        toolIndex[name] = id
        toolNames.append(name)
        return id
    }

    public var stats: ShardStats {
        ShardStats(
            employees: UInt64(employees.count),
            events: eventCount,
            batches: batchCount,
            cells: cellCount,
            newestDay: newestDay,
            oldestDay: oldestDay,
            duplicateEvents: duplicateEventCount
        )
    }
}
