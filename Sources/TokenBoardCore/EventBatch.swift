/// A batch of events in the form they travel and are applied in: each distinct employee, model, tool and session
/// string appears in a table (once, as `EventBatchBuilder` builds them; a table may repeat a name, which changes
/// nothing) and events refer to it by index, so a worker resolves each string once per batch instead of once per
/// event.
public struct EventBatch: Sendable, Hashable {
    public var employees: [String]
    public var models: [String]
    public var tools: [String]
    public var sessions: [String]
    public var events: [BatchedEvent]

    public init(
        employees: [String] = [],
        models: [String] = [],
        tools: [String] = [],
        sessions: [String] = [],
        events: [BatchedEvent] = []
    ) {
        self.employees = employees
        self.models = models
        self.tools = tools
        self.sessions = sessions
        self.events = events
    }

    public var isEmpty: Bool { events.isEmpty }

    /// The most events `init(converting:)` takes: so many cannot name more than the 65,536 distinct models or
    /// tools a batch can address.
    public static let maxConvertedEvents = Int(UInt16.max) + 1

    /// The batch of up to `maxConvertedEvents` canonical events, in order, each string interned once.
    public init(converting events: some Collection<UsageEvent>) {
        precondition(events.count <= Self.maxConvertedEvents, "at most 65,536 events per conversion")
        var builder = EventBatchBuilder()
        builder.reserve(events.count)
        for event in events { builder.append(event) }
        // Not `take()`: that would reserve room for a next batch this builder never builds.
        self = builder.batch
    }

    /// Checks that every index points into its table, every count is plausible and every employee key is 1 to 256
    /// bytes; a batch that fails is refused whole, so a bad peer can never change a counter. The rules live in
    /// `IngestBatch.validate()`, the form a shard checks batches in.
    public func validate() throws(BatchError) {
        try IngestBatch(self).validate()
    }

    /// The events expanded back to their canonical form.
    public var usageEvents: [UsageEvent] {
        events.map { e in
            UsageEvent(
                timestampMillis: e.timestampMillis,
                employee: employees[Int(e.employee)],
                model: models[Int(e.model)],
                tool: tools[Int(e.tool)],
                session: sessions[Int(e.session)],
                counts: e.counts
            )
        }
    }
}

/// Why a batch was refused.
public struct BatchError: Error, Hashable, CustomStringConvertible {
    public var eventIndex: Int?
    public var reason: String

    public init(eventIndex: Int?, reason: String) {
        self.eventIndex = eventIndex
        self.reason = reason
    }

    public var description: String {
        if let eventIndex { return "event \(eventIndex): \(reason)" }
        return reason
    }
}

/// One event inside an `EventBatch`; strings are indices into the batch's tables.
public struct BatchedEvent: Sendable, Hashable {
    public var employee: UInt32
    public var model: UInt16
    public var tool: UInt16
    public var session: UInt32
    public var timestampMillis: Int64
    /// A 64-bit digest of the source record's id for de-duplication; 0 when the record has none.
    public var eventKey: UInt64
    public var counts: TokenCounts

    public init(
        employee: UInt32,
        model: UInt16,
        tool: UInt16,
        session: UInt32,
        timestampMillis: Int64,
        eventKey: UInt64 = 0,
        counts: TokenCounts
    ) {
        self.employee = employee
        self.model = model
        self.tool = tool
        self.session = session
        self.timestampMillis = timestampMillis
        self.eventKey = eventKey
        self.counts = counts
    }
}

/// Builds an `EventBatch` from canonical events, interning strings as it goes.
public struct EventBatchBuilder: Sendable {
    public private(set) var batch = EventBatch()
    private var employeeIndex = StringInterner()
    private var modelIndex = StringInterner()
    private var toolIndex = StringInterner()
    private var sessionIndex = StringInterner()

    public init() {}

    // Inlinable: a log reader asks for it once per line, from another module.
    @inlinable public var count: Int { batch.events.count }

    /// Makes room for `count` events, so appending them does not grow the batch step by step.
    public mutating func reserve(_ count: Int) {
        batch.events.reserveCapacity(count)
    }

    /// Appends the event with these fields, every string given as its UTF-8 bytes (valid UTF-8), keyed by the
    /// digest of its id for de-duplication; a string is made only of a name new to the batch. Returns false (and
    /// appends nothing) when the batch already holds the 65,536 distinct models or tools its indices can address;
    /// the caller then starts a new batch. `append(_:)` appends a `UsageEvent` through this.
    @discardableResult
    public mutating func append(
        id: UnsafeRawBufferPointer,
        timestampMillis: Int64,
        employee: UnsafeRawBufferPointer,
        model: UnsafeRawBufferPointer,
        tool: UnsafeRawBufferPointer,
        session: UnsafeRawBufferPointer,
        counts: TokenCounts
    ) -> Bool {
        let modelHash = CRC32C.checksum(model)
        let toolHash = CRC32C.checksum(tool)
        // Both tables are checked before either is touched, so a refused event leaves no name behind.
        guard Self.hasRoom(for: model, hash: modelHash, in: modelIndex, batch.models),
            Self.hasRoom(for: tool, hash: toolHash, in: toolIndex, batch.tools)
        else { return false }
        let employeeHash = CRC32C.checksum(employee)
        let sessionHash = CRC32C.checksum(session)
        batch.events.append(
            BatchedEvent(
                employee: employeeIndex.index(ofUTF8: employee, hash: employeeHash, in: &batch.employees),
                model: UInt16(modelIndex.index(ofUTF8: model, hash: modelHash, in: &batch.models)),
                tool: UInt16(toolIndex.index(ofUTF8: tool, hash: toolHash, in: &batch.tools)),
                session: sessionIndex.index(ofUTF8: session, hash: sessionHash, in: &batch.sessions),
                timestampMillis: timestampMillis,
                eventKey: EventKey.digest(utf8: id),
                counts: counts
            )
        )
        return true
    }

    /// Whether a model or tool table (addressed by 16-bit indices) can take `name`: it has room, or already holds
    /// it. The count comes first: a full table is rare.
    @inline(__always)
    private static func hasRoom(
        for name: UnsafeRawBufferPointer,
        hash: UInt32,
        in interner: StringInterner,
        _ table: [String]
    ) -> Bool {
        table.count <= Int(UInt16.max) || interner.index(ofUTF8: name, hash: hash, inTable: table) != nil
    }

    /// Hands out the batch built so far and starts a new one, keeping the tables' capacity for the next.
    public mutating func take() -> EventBatch {
        let result = batch
        batch = EventBatch()
        batch.events.reserveCapacity(result.events.count)
        employeeIndex.removeAll()
        modelIndex.removeAll()
        toolIndex.removeAll()
        sessionIndex.removeAll()
        return result
    }
}
