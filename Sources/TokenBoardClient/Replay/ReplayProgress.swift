/// Why a replay stopped sending.
public enum ReplayStop: String, Sendable, Hashable, Codable {
    /// Every event of the source was sent.
    case endOfInput = "end-of-input"
    /// The event limit was reached.
    case limit
    /// The time limit was reached.
    case duration
}

/// Where a replay stands; handed to the progress callback about once a second and returned at the end.
public struct ReplayProgress: Sendable, Hashable {
    public var eventsSent: UInt64 = 0
    /// Events the workers acknowledged (including duplicates: events a worker already had).
    public var eventsAcked: UInt64 = 0
    public var batchesAcked: UInt64 = 0
    /// Events of batches a worker acknowledged as already applied (a resend, or a replay of the same log).
    public var duplicateEvents: UInt64 = 0
    /// Encoded payload bytes sent (before compression).
    public var payloadBytes: UInt64 = 0
    /// Times a worker connection was re-established and its unacknowledged batches resent.
    public var reconnects: UInt64 = 0
    /// Acknowledgements that failed (a lost connection, a timeout); the batches concerned were resent.
    public var connectionFailures: UInt64 = 0
    /// Time from sending each batch to its acknowledgement (for a resent batch, from the first send).
    public var ackLatency = LatencyPercentiles()
    /// Why sending stopped; `endOfInput` while the replay runs.
    public var stop: ReplayStop = .endOfInput
    public var elapsed: Duration = .zero
    /// For a sharded log: nil when its blocks went to the workers as they are; else why its events were
    /// partitioned again (the cluster's shard map differs, or the replay is paced or limited).
    public var repartitioned: String?

    public init() {}

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(eventsAcked) / seconds : 0
    }
}
