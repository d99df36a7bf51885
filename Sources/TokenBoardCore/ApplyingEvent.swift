/// A batch's event as the store applies it: its batch-local employee and session indices already resolved to the
/// shard-local employee id and the session's digest, so applying it reads no table of the batch.
struct ApplyingEvent {
    var employee: Int32
    var model: UInt16
    var tool: UInt16
    var timestampMillis: Int64
    /// The session id's digest (0 for none).
    var session: UInt64
    var counts: TokenCounts

    /// `event` of a batch whose employees have the shard-local ids `employees` and whose sessions the digests
    /// `sessionKeys` (both indexed as the event's fields are).
    @inline(__always)
    init(
        _ event: BatchedEvent,
        employees: UnsafeBufferPointer<Int32>,
        sessionKeys: UnsafeBufferPointer<UInt64>
    ) {
        employee = employees[Int(event.employee)]
        model = event.model
        tool = event.tool
        timestampMillis = event.timestampMillis
        session = sessionKeys[Int(event.session)]
        counts = event.counts
    }
}
