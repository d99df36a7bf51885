/// An `EventBatch` in the form a shard checks and applies it: employee keys as bytes with their checksums
/// (`KeyTable`), sessions only as the digests the store keeps of them, and the events' `EventBounds`. A worker
/// decodes received batches straight into this form (`IngestBatch(wire:)` in TokenBoardWire), so no `String` is
/// created for a session or a known employee; batches built in memory are converted with `init(_:)`.
public struct IngestBatch: Sendable, Hashable {
    public var employees: KeyTable
    public var models: [String]
    public var tools: [String]
    /// Each session id's `EventKey.digest`, by the events' session index.
    public var sessionKeys: [UInt64]
    public var events: [BatchedEvent]
    /// The bounds of `events`: the caller that builds the batch from parts vouches for them.
    public var bounds: EventBounds

    /// A batch from its parts; `bounds` must be those of `events`.
    public init(
        employees: KeyTable,
        models: [String],
        tools: [String],
        sessionKeys: [UInt64],
        events: [BatchedEvent],
        bounds: EventBounds
    ) {
        self.employees = employees
        self.models = models
        self.tools = tools
        self.sessionKeys = sessionKeys
        self.events = events
        self.bounds = bounds
    }

    /// `batch` in this form.
    public init(_ batch: EventBatch) {
        self.init(
            employees: KeyTable(batch.employees),
            models: batch.models,
            tools: batch.tools,
            sessionKeys: batch.sessions.map(EventKey.digest),
            events: batch.events,
            bounds: EventBounds(batch.events)
        )
    }

    /// The longest employee key a batch may carry, in UTF-8 bytes.
    public static let maxEmployeeKeyBytes = 256

    /// Checks that every index points into its table, every count is plausible and every employee key is 1 to 256
    /// bytes, from the bounds; only a batch they cannot clear is walked, to name its first bad event. A batch that
    /// fails is refused whole.
    public func validate() throws(BatchError) {
        guard models.count <= Int(UInt16.max) + 1, tools.count <= Int(UInt16.max) + 1 else {
            throw BatchError(eventIndex: nil, reason: "too many distinct models or tools in one batch")
        }
        let fits = bounds.fits(
            employees: employees.count,
            models: models.count,
            tools: tools.count,
            sessions: sessionKeys.count
        )
        if !fits || bounds.mayHaveImplausibleCounts { try firstFault() }
        for index in 0..<employees.count {
            let length = employees.byteCount(at: index)
            guard length > 0, length <= Self.maxEmployeeKeyBytes else {
                throw BatchError(eventIndex: nil, reason: "employee keys must be 1 to 256 bytes")
            }
        }
    }

    /// Throws for the first offending event; returns when there is none (the bounds only showed that one may
    /// exist).
    private func firstFault() throws(BatchError) {
        for (i, event) in events.enumerated() {
            guard Int(event.employee) < employees.count, Int(event.model) < models.count,
                Int(event.tool) < tools.count, Int(event.session) < sessionKeys.count
            else { throw BatchError(eventIndex: i, reason: "string table index out of range") }
            guard event.counts.isPlausibleForOneEvent else {
                throw BatchError(eventIndex: i, reason: "a token count exceeds \(TokenCounts.maxPerEvent)")
            }
        }
    }
}
