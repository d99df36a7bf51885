/// What checking a batch needs to know about its events, gathered in one pass (the wire decoder gathers it while
/// it decodes them): the highest index into each string table, the earliest and latest timestamp, and the bitwise or
/// of every count. The check then compares a handful of numbers instead of walking the events once per rule; only a
/// batch the bounds cannot clear is walked again, to find (and name) the first offending event.
public struct EventBounds: Sendable, Hashable {
    /// The highest index of each table any event uses; 0 when empty.
    public private(set) var employee: UInt32
    public private(set) var model: UInt16
    public private(set) var tool: UInt16
    public private(set) var session: UInt32
    /// The earliest and latest timestamp (Unix ms); `.max` and `.min` when empty.
    public private(set) var earliestMillis: Int64
    public private(set) var latestMillis: Int64
    /// The bitwise or of every count of every event: at least each count, so no count exceeds it.
    public private(set) var countBits: UInt64
    public private(set) var isEmpty: Bool

    public init() {
        self.init(
            employee: 0,
            model: 0,
            tool: 0,
            session: 0,
            earliestMillis: .max,
            latestMillis: .min,
            countBits: 0,
            isEmpty: true
        )
    }

    @usableFromInline
    init(
        employee: UInt32,
        model: UInt16,
        tool: UInt16,
        session: UInt32,
        earliestMillis: Int64,
        latestMillis: Int64,
        countBits: UInt64,
        isEmpty: Bool
    ) {
        self.employee = employee
        self.model = model
        self.tool = tool
        self.session = session
        self.earliestMillis = earliestMillis
        self.latestMillis = latestMillis
        self.countBits = countBits
        self.isEmpty = isEmpty
    }

    /// The bounds of `events`.
    public init(_ events: some Sequence<BatchedEvent>) {
        self.init()
        for event in events { include(event) }
    }

    /// Widens the bounds to cover `event`. Inlinable, so the decoder's loop in another module pays no call per
    /// event, and without branches beyond the comparisons.
    @inlinable
    public mutating func include(_ event: BatchedEvent) {
        let counts = event.counts
        self = EventBounds(
            employee: Swift.max(employee, event.employee),
            model: Swift.max(model, event.model),
            tool: Swift.max(tool, event.tool),
            session: Swift.max(session, event.session),
            earliestMillis: Swift.min(earliestMillis, event.timestampMillis),
            latestMillis: Swift.max(latestMillis, event.timestampMillis),
            countBits: countBits | counts.input | counts.output | counts.cacheWrite | counts.cacheRead,
            isEmpty: false
        )
    }

    /// Whether every index is within tables of these sizes.
    public func fits(employees: Int, models: Int, tools: Int, sessions: Int) -> Bool {
        isEmpty
            || (Int(employee) < employees && Int(model) < models && Int(tool) < tools && Int(session) < sessions)
    }

    /// False when no count can exceed `TokenCounts.maxPerEvent`; true when one may (the or of counts within the
    /// limit can exceed it, so the events must then be looked at).
    public var mayHaveImplausibleCounts: Bool { countBits > TokenCounts.maxPerEvent }
}
