import NIOCore
import NIOPosix
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload

/// Streams events to the workers that own them: takes the shard map from its transport (the coordinator, asked
/// over protocol v1, unless a caller supplies a `ReplayTransport`), partitions events by slot, and sends
/// pipelined, numbered batches (LZ4-compressed if asked) straight to each owner over one or more connections per
/// worker, paced if asked (`ReplayOptions.pacing`); a sharded log's batches, partitioned ahead of time, go as
/// they are. It connects to every worker before sending, or (`ReplayOptions.Reach.eventOwners`) to each worker
/// with its first batch, so that only the workers owning events are needed. When a worker's connection fails (a
/// crash, a restart, a timeout) it hands the connection back as failed, fetches the map again, reconnects and
/// resends every unacknowledged batch in order; the worker applies each numbered batch once, so the result is
/// exactly once. Every batch sent is acknowledged before `run` returns, also when a limit stops the replay early;
/// the connections then go back to the transport.
public final class Replayer: Sendable {
    /// Where the shard map and the workers' connections come from.
    public let transport: any ReplayTransport
    public let options: ReplayOptions

    /// A replayer that asks `coordinator` for the shard map and opens (and closes) its own connections.
    public convenience init(
        coordinator: Endpoint,
        options: ReplayOptions = ReplayOptions(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        let limits = options.compressBatches ? FrameLimits.default : FrameLimits(compressionThreshold: .max)
        self.init(
            transport: CoordinatorTransport(coordinator: coordinator, group: group, limits: limits),
            options: options
        )
    }

    /// A replayer that takes the shard map and its connections from `transport` and hands the connections back
    /// to it when done (a connection pool keeps them open for the next replay).
    public init(transport: any ReplayTransport, options: ReplayOptions = ReplayOptions()) {
        self.transport = transport
        self.options = options
    }

    /// Replays every event `source` hands out (it fills the array and returns false once exhausted), or as many
    /// as the options' limits allow.
    public func run(
        source: (inout [UsageEvent]) throws -> Bool,
        progress: (ReplayProgress) -> Void = { _ in }
    ) async throws -> ReplayProgress {
        var events: [UsageEvent] = []
        var taken = 0
        var more = true
        return try await run(
            batchSource: { batch in
                while taken == events.count && more {
                    events.removeAll(keepingCapacity: true)
                    taken = 0
                    more = try source(&events)
                }
                let end = min(events.count, taken + EventBatch.maxConvertedEvents)
                batch = EventBatch(converting: events[taken..<end])
                taken = end
                return taken < events.count || more
            },
            progress: progress
        )
    }

    /// Replays every event of the batches `batchSource` hands out (it replaces the batch and returns false once
    /// exhausted, `UsageLogReader.nextBatch` style), or as many as the options' limits allow. The batches are split
    /// per worker by table index, so no string is hashed per event: the fast path for binary logs.
    public func run(
        batchSource: (inout EventBatch) throws -> Bool,
        progress: (ReplayProgress) -> Void = { _ in }
    ) async throws -> ReplayProgress {
        var session = try await ReplaySession(replayer: self)
        do {
            let result = try await session.replay(source: batchSource, progress: progress)
            await session.closeAll()
            return result
        } catch {
            await session.closeAll()
            throw error
        }
    }

    /// Replays the blocks of a sharded log (`ShardedLogReader.next`, handed out by `source` until nil), laid out for
    /// `recorded`. When the cluster's map routes as `recorded` does (same workers, same slot owners) and the
    /// replay is neither paced nor limited by events, each block goes to its worker as a ready ingest frame: no
    /// decompression, partitioning, encoding or compression here. Otherwise every block is decoded and its events
    /// partitioned like any other batch's, and the result's `repartitioned` says why.
    public func run(
        sharded source: () throws -> ShardedLogBlock?,
        recordedMap recorded: ShardMap,
        progress: (ReplayProgress) -> Void = { _ in }
    ) async throws -> ReplayProgress {
        var session = try await ReplaySession(replayer: self)
        do {
            let result: ReplayProgress
            if let reason = Self.repartitionReason(recorded: recorded, cluster: session.map, options: options) {
                session.noteRepartitioned(reason, progress: progress)
                result = try await session.replay(
                    source: { batch in
                        guard let block = try source() else {
                            batch = EventBatch()
                            return false
                        }
                        batch = try PreparedBatch(block).decoded()
                        return true
                    },
                    progress: progress
                )
            } else {
                result = try await session.replay(
                    prepared: { try source().map { ($0.worker, PreparedBatch($0)) } },
                    progress: progress
                )
            }
            await session.closeAll()
            return result
        } catch {
            await session.closeAll()
            throw error
        }
    }

    /// Why a sharded log cannot go to the cluster block by block, or nil when it can.
    static func repartitionReason(recorded: ShardMap, cluster: ShardMap, options: ReplayOptions) -> String? {
        if recorded.workers != cluster.workers || recorded.owners != cluster.owners {
            return
                "the log is sharded for workers \(recorded.workers.joined(separator: ",")) over \(recorded.owners.count) slots, and the cluster's shard map v\(cluster.version) (workers \(cluster.workers.joined(separator: ",")) over \(cluster.owners.count) slots) routes differently"
        }
        if options.pacing != .unlimited { return "the replay is paced (\(options.pacing))" }
        if options.limit != nil { return "the replay stops at an event limit" }
        return nil
    }
}
