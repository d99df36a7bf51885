import NIOCore
import NIOPosix
import TokenBoardCore
import TokenBoardWire

/// How a replay sends.
public struct ReplayOptions: Sendable {
    /// Events per ingest batch.
    public var batchSize: Int = 8192
    /// Batches in flight per worker before the replayer waits for an acknowledgement.
    public var inflightPerWorker: Int = 8
    /// Identifies this producer's batches to the workers.
    public var producerID: UInt64 = 0
    /// The deadline for each acknowledgement.
    public var ackTimeout: TimeAmount = .seconds(30)

    public init() {}
}

/// Where a replay stands; handed to the progress callback about once a second and returned at the end.
public struct ReplayProgress: Sendable, Hashable {
    public var eventsSent: UInt64 = 0
    public var eventsAcked: UInt64 = 0
    public var batchesAcked: UInt64 = 0
    /// Encoded payload bytes sent (before compression).
    public var payloadBytes: UInt64 = 0
    public var redirects: UInt64 = 0
    public var elapsed: Duration = .zero

    public init() {}

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(eventsAcked) / seconds : 0
    }
}

/// Streams events to the workers that own them: fetches the shard map from the coordinator, partitions events by
/// slot, and sends compressed, pipelined batches straight to each owner. A batch refused because the map moved is
/// re-routed under the new map.
public final class Replayer: Sendable {
    public let coordinator: Endpoint
    public let options: ReplayOptions
    private let group: any EventLoopGroup

    public init(
        coordinator: Endpoint,
        options: ReplayOptions = ReplayOptions(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.coordinator = coordinator
        self.options = options
        self.group = group
    }

    /// Replays every event `source` hands out (it fills the array and returns false once exhausted).
    public func run(
        source: (inout [UsageEvent]) throws -> Bool,
        progress: (ReplayProgress) -> Void = { _ in }
    ) async throws -> ReplayProgress {
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        var routing = try await Routing.fetch(coordinator: coordinator, group: group)
        do {
            let state = try await replay(
                routing: &routing,
                source: source,
                progress: progress,
                clock: clock,
                start: start,
                lastReport: &lastReport
            )
            await routing.closeAll()
            return state
        } catch {
            await routing.closeAll()
            throw error
        }
    }

    private func replay(
        routing: inout Routing,
        source: (inout [UsageEvent]) throws -> Bool,
        progress: (ReplayProgress) -> Void,
        clock: ContinuousClock,
        start: ContinuousClock.Instant,
        lastReport: inout ContinuousClock.Instant
    ) async throws -> ReplayProgress {
        var state = ReplayProgress()
        var builders = Array(repeating: EventBatchBuilder(), count: routing.map.workers.count)
        var inflight = Array(repeating: [InFlightBatch](), count: routing.map.workers.count)
        var chunk: [UsageEvent] = []
        chunk.reserveCapacity(65536)

        func send(_ batch: EventBatch, to worker: Int) async throws {
            while inflight[worker].count >= options.inflightPerWorker {
                try await settle(inflight[worker].removeFirst())
            }
            let request = IngestRequest(
                producerID: options.producerID,
                sequence: 0,
                mapVersion: routing.map.version,
                batch: batch
            )
            let frame = Frame(request, requestID: 0)
            state.payloadBytes += UInt64(frame.payload.readableBytes)
            state.eventsSent += UInt64(batch.events.count)
            let connection = try routing.connection(worker)
            inflight[worker].append(
                InFlightBatch(batch: batch, reply: connection.send(frame, timeout: options.ackTimeout))
            )
        }

        func settle(_ pending: InFlightBatch) async throws {
            let reply = try await pending.reply.get()
            do {
                let ack = try reply.decode(IngestAck.self)
                state.eventsAcked += UInt64(ack.applied)
                state.batchesAcked += 1
            } catch let error as ErrorMessage where error.code == .notOwner {
                // The map moved under us: catch up and route the batch again under the new owners.
                state.redirects += 1
                state.eventsSent -= UInt64(pending.batch.events.count)
                routing = try await routing.refreshed(coordinator: coordinator, group: group, atLeast: error.mapVersion)
                for event in pending.batch.usageEvents {
                    try await route(event)
                }
            }
        }

        func route(_ event: UsageEvent) async throws {
            let worker = routing.map.ownerIndex(of: event.employee)
            if worker >= builders.count {
                builders.append(contentsOf: repeatElement(EventBatchBuilder(), count: worker + 1 - builders.count))
                inflight.append(contentsOf: repeatElement([], count: worker + 1 - inflight.count))
            }
            builders[worker].append(event)
            if builders[worker].count >= options.batchSize {
                try await send(builders[worker].take(), to: worker)
            }
        }

        var more = true
        while more {
            chunk.removeAll(keepingCapacity: true)
            more = try source(&chunk)
            for event in chunk {
                try await route(event)
            }
            let now = clock.now
            if now - lastReport >= .seconds(1) {
                lastReport = now
                state.elapsed = now - start
                progress(state)
            }
        }
        for worker in builders.indices where builders[worker].count > 0 {
            try await send(builders[worker].take(), to: worker)
        }
        for worker in inflight.indices {
            while !inflight[worker].isEmpty {
                try await settle(inflight[worker].removeFirst())
            }
        }
        state.elapsed = clock.now - start
        progress(state)
        return state
    }
}

private struct InFlightBatch {
    var batch: EventBatch
    var reply: EventLoopFuture<Frame>
}

/// The shard map and one connection per worker.
private struct Routing: Sendable {
    var map: ShardMap
    var connections: [Connection?]
    var endpoints: [String: Endpoint]

    static func fetch(coordinator: Endpoint, group: any EventLoopGroup) async throws -> Routing {
        let client = try await ClusterClient.connect(to: coordinator, group: group)
        let reply: ShardMapReply
        do {
            reply = try await client.shardMap()
            await client.close()
        } catch {
            await client.close()
            throw error
        }
        var connections: [Connection?] = []
        for worker in reply.map.workers {
            guard let endpoint = reply.endpoints[worker] else { throw ClientError.workerUnknown(worker) }
            connections.append(try await Connection.connect(to: endpoint, group: group))
        }
        return Routing(map: reply.map, connections: connections, endpoints: reply.endpoints)
    }

    func refreshed(coordinator: Endpoint, group: any EventLoopGroup, atLeast version: UInt64) async throws -> Routing {
        let next = try await Routing.fetch(coordinator: coordinator, group: group)
        guard next.map.version >= version, next.map.version > map.version else {
            await next.closeAll()
            throw ErrorMessage(
                code: .notOwner,
                message:
                    "a worker refused a batch under shard map v\(map.version) (it serves v\(version)) but the coordinator still hands out v\(next.map.version)",
                mapVersion: next.map.version
            )
        }
        await closeAll()
        return next
    }

    func connection(_ worker: Int) throws -> Connection {
        guard worker < connections.count, let connection = connections[worker] else {
            throw ClientError.workerUnknown(worker < map.workers.count ? map.workers[worker] : "#\(worker)")
        }
        return connection
    }

    func closeAll() async {
        for connection in connections {
            await connection?.close()
        }
    }
}
