/// What checking a batch needs to know about its events, gathered in one pass (the wire decoder gathers it while
/// it decodes them): the highest index into each string table, the earliest and latest timestamp, and whether any
/// count is implausible. The check then compares a handful of numbers instead of walking the events once per rule;
/// only a batch that fails is walked again, to name the first offending event.
public struct EventBounds: Sendable, Hashable {
    /// The highest index of each table any event uses; meaningless when `isEmpty`.
    public private(set) var employee: UInt32 = 0
    public private(set) var model: UInt16 = 0
    public private(set) var tool: UInt16 = 0
    public private(set) var session: UInt32 = 0
    /// The earliest and latest timestamp (Unix ms); `.max` and `.min` when empty.
    public private(set) var earliestMillis: Int64 = .max
    public private(set) var latestMillis: Int64 = .min
    /// Whether some event has a count above `TokenCounts.maxPerEvent`.
    public private(set) var hasImplausibleCounts = false
    public private(set) var isEmpty = true

    public init() {}

    /// The bounds of `events`.
    public init(_ events: some Sequence<BatchedEvent>) {
        for event in events { include(event) }
    }

    /// Widens the bounds to cover `event`.
    @inline(__always)
    public mutating func include(_ event: BatchedEvent) {
        isEmpty = false
        employee = Swift.max(employee, event.employee)
        model = Swift.max(model, event.model)
        tool = Swift.max(tool, event.tool)
        session = Swift.max(session, event.session)
        earliestMillis = Swift.min(earliestMillis, event.timestampMillis)
        latestMillis = Swift.max(latestMillis, event.timestampMillis)
        // The bitwise or is at least each count, so it exceeds the limit whenever a count does: one comparison for
        // the four in the usual case.
        let counts = event.counts
        let any = counts.input | counts.output | counts.cacheWrite | counts.cacheRead
        if any > TokenCounts.maxPerEvent && !counts.isPlausibleForOneEvent { hasImplausibleCounts = true }
    }

    /// Whether every index is within tables of these sizes.
    public func fits(employees: Int, models: Int, tools: Int, sessions: Int) -> Bool {
        isEmpty
            || (Int(employee) < employees && Int(model) < models && Int(tool) < tools && Int(session) < sessions)
    }
}
