/// A batch's event as the store applies it: its batch-local employee and session indices already resolved to the
/// shard-local employee id and the session's digest, and its cost worked out, so applying it reads no table of
/// the batch. 64 bytes: a cache line.
struct ApplyingEvent {
    var employee: Int32
    var model: UInt16
    var tool: UInt16
    var timestampMillis: Int64
    /// The session id's digest (0 for none).
    var session: UInt64
    var counts: TokenCounts
    /// List-price cost in nano-dollars (0 for an unpriced model).
    var cost: UInt64

    /// `event` of a batch whose employees have the shard-local ids `employees`, whose sessions the digests
    /// `sessionKeys` and whose models the list prices `rates` (all indexed as the event's fields are).
    @inline(__always)
    init(
        _ event: BatchedEvent,
        employees: UnsafeBufferPointer<Int32>,
        sessionKeys: UnsafeBufferPointer<UInt64>,
        rates: [Rates?]
    ) {
        employee = employees[Int(event.employee)]
        model = event.model
        tool = event.tool
        timestampMillis = event.timestampMillis
        session = sessionKeys[Int(event.session)]
        counts = event.counts
        cost = rates[Int(event.model)]?.cost(of: event.counts) ?? 0
    }
}
