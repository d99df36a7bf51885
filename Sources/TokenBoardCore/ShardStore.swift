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
    /// How many threads `apply` uses for a large batch: 1, or 2 (see `apply`). A setting of the process applying,
    /// not part of the counted state: a snapshot does not keep it.
    public var applyThreads: Int = 1 {
        willSet { precondition((1...2).contains(newValue), "a shard applies a batch on 1 or 2 threads") }
    }

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

    mutating func internModel(_ name: String) -> UInt16 {
        if let known = modelIndex[name] { return known }
        let id = UInt16(modelNames.count)
        modelIndex[name] = id
        modelNames.append(name)
        modelRates.append(priceBook.entry(for: name)?.rates)
        return id
    }

    mutating func internTool(_ name: String) -> UInt16 {
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
