import NIOCore

/// How a replay sends.
public struct ReplayOptions: Sendable {
    /// Which workers a replay connects to, and what it does about one it cannot reach.
    public enum Reach: Sendable, Hashable {
        /// Connect to every worker of the map before sending anything, and stop at once, naming the worker, when
        /// one cannot be reached (at the start, or after `retryFor` of reconnecting). A worker down at the start
        /// means nothing is sent: `tokenboard replay`, where a log applied in part is rarely wanted.
        case everyWorker
        /// Connect to a worker with its first batch, so only the workers owning events are needed. One that
        /// cannot be reached has its batches set aside while the others' are sent and acknowledged; then the
        /// replay fails with `ReplayError.workersNotReached` naming it: `POST /v1/events`, where every live
        /// worker has applied its part by the time the request fails, so a keyed retry has only the missing part
        /// left to apply.
        case eventOwners
    }

    /// Events per ingest batch.
    public var batchSize: Int = 8192
    /// Batches in flight per connection before the replayer waits for an acknowledgement.
    public var inflightPerWorker: Int = 8
    /// Connections to each worker; batches for a worker go round-robin over them.
    public var connectionsPerWorker: Int = 1
    /// Whether batches partitioned here are LZ4-compressed on their way (`FrameLimits.default`), as the protocol
    /// compresses every payload above its threshold. Compressing shrinks an ingest frame (and the worker's log
    /// record) for a quarter of the replayer's CPU time (measured 1.48 against 1.10 CPU seconds for 5,000,000
    /// events), which a loopback-only replay may choose to save. Sharded logs' blocks travel as they were
    /// prepared either way.
    public var compressBatches = true
    /// Identifies this producer's numbered batches to the workers (never 0). Replaying the same log with the
    /// same producer id, batch size, connection count and shard map, unpaced and to the end, sends the same
    /// numbered batches, which the workers acknowledge as duplicates.
    public var producerID: UInt64 = UInt64.random(in: 1...UInt64.max)
    /// The deadline for each acknowledgement.
    public var ackTimeout: TimeAmount = .seconds(30)
    /// How long to keep reconnecting to a worker that went away before giving up.
    public var retryFor: Duration = .seconds(60)
    /// Which workers to connect to, and what to do about one that cannot be reached.
    public var reach: Reach = .everyWorker
    /// How fast to send.
    public var pacing: Pacing = .unlimited
    /// Under pacing, the longest an event waits in a partly filled batch before the batch is sent anyway.
    public var linger: Duration = .milliseconds(100)
    /// Stop after sending this many events.
    public var limit: UInt64?
    /// Stop sending once this much time has passed.
    public var duration: Duration?

    public init() {}

    /// The producer id of a worker's `connection`-th connection: the producer id itself for the first, so a
    /// single connection numbers its batches exactly as before, and a mix of it and the index for the others.
    /// Each connection numbers its own batches 1, 2, 3, …, so batches on different connections never have to
    /// arrive in order; the mix keeps the ids of one replay apart from those of a replay started with the next
    /// producer id.
    public func producerID(connection: Int) -> UInt64 {
        guard connection > 0 else { return producerID }
        var mixed = producerID ^ (UInt64(connection) &* 0x9E37_79B9_7F4A_7C15)
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return mixed == 0 ? 1 : mixed
    }
}
