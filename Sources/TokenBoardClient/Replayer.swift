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
    /// Identifies this producer's numbered batches to the workers (never 0). Replaying the same log with the
    /// same producer id, batch size and shard map sends the same numbered batches, which the workers
    /// acknowledge as duplicates.
    public var producerID: UInt64 = UInt64.random(in: 1...UInt64.max)
    /// The deadline for each acknowledgement.
    public var ackTimeout: TimeAmount = .seconds(30)
    /// How long to keep reconnecting to a worker that went away before giving up.
    public var retryFor: Duration = .seconds(60)

    public init() {}
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
    public var elapsed: Duration = .zero

    public init() {}

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(eventsAcked) / seconds : 0
    }
}

/// Streams events to the workers that own them: fetches the shard map from the coordinator, partitions events by
/// slot, and sends compressed, pipelined, numbered batches straight to each owner. When a worker's connection
/// fails (a crash, a restart, a timeout) it fetches the map again, reconnects and resends every unacknowledged
/// batch in order; the worker applies each numbered batch once, so the result is exactly once.
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
        var session = try await Session(replayer: self)
        do {
            let result = try await session.replay(source: source, progress: progress)
            await session.closeAll()
            return result
        } catch {
            await session.closeAll()
            throw error
        }
    }

    fileprivate func fetchMap() async throws -> ShardMapReply {
        let client = try await ClusterClient.connect(to: coordinator, group: group)
        do {
            let reply = try await client.shardMap()
            await client.close()
            return reply
        } catch {
            await client.close()
            throw error
        }
    }

    fileprivate func connect(_ endpoint: Endpoint) async throws -> Connection {
        try await Connection.connect(to: endpoint, group: group)
    }
}

/// One replay's state: the map, a connection and a queue of unacknowledged batches per worker.
private struct Session {
    struct InFlight {
        var events: Int
        var frame: Frame
        var reply: EventLoopFuture<Frame>
    }

    let replayer: Replayer
    var options: ReplayOptions { replayer.options }
    let map: ShardMap
    var connections: [Connection?]
    var builders: [EventBatchBuilder]
    var inflight: [[InFlight]]
    var sequences: [UInt64]
    var state = ReplayProgress()

    init(replayer: Replayer) async throws {
        self.replayer = replayer
        let reply = try await replayer.fetchMap()
        map = reply.map
        connections = []
        for worker in map.workers {
            guard let endpoint = reply.endpoints[worker] else { throw ClientError.workerUnknown(worker) }
            connections.append(try await replayer.connect(endpoint))
        }
        builders = Array(repeating: EventBatchBuilder(), count: map.workers.count)
        inflight = Array(repeating: [], count: map.workers.count)
        sequences = Array(repeating: 0, count: map.workers.count)
    }

    mutating func replay(
        source: (inout [UsageEvent]) throws -> Bool,
        progress: (ReplayProgress) -> Void
    ) async throws -> ReplayProgress {
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        var chunk: [UsageEvent] = []
        chunk.reserveCapacity(65536)
        var more = true
        while more {
            chunk.removeAll(keepingCapacity: true)
            more = try source(&chunk)
            for event in chunk {
                let worker = map.ownerIndex(of: event.employee)
                builders[worker].append(event)
                if builders[worker].count >= options.batchSize {
                    try await send(builders[worker].take(), to: worker)
                }
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
            while !inflight[worker].isEmpty { try await settleOldest(of: worker) }
        }
        state.elapsed = clock.now - start
        progress(state)
        return state
    }

    mutating func send(_ batch: EventBatch, to worker: Int) async throws {
        while inflight[worker].count >= options.inflightPerWorker { try await settleOldest(of: worker) }
        sequences[worker] += 1
        let request = IngestRequest(
            producerID: options.producerID,
            sequence: sequences[worker],
            mapVersion: map.version,
            batch: batch
        )
        let frame = Frame(request, requestID: 0)
        state.payloadBytes += UInt64(frame.payload.readableBytes)
        state.eventsSent += UInt64(batch.events.count)
        // A worker's connection is only ever missing inside `reconnect`, which either restores it or throws.
        guard let connection = connections[worker] else {
            throw ClientError.workerUnknown(map.workers[worker])
        }
        let reply = connection.send(frame, timeout: options.ackTimeout)
        inflight[worker].append(InFlight(events: batch.events.count, frame: frame, reply: reply))
    }

    /// Waits for the worker's oldest unacknowledged batch; on a connection failure reconnects and resends.
    mutating func settleOldest(of worker: Int) async throws {
        while true {
            let reply: Frame
            do {
                reply = try await inflight[worker][0].reply.get()
            } catch let refusal as ErrorMessage {
                throw refusal
            } catch {
                try await reconnect(worker, after: error)
                continue
            }
            let ack = try reply.decode(IngestAck.self)
            let done = inflight[worker].removeFirst()
            state.eventsAcked += UInt64(done.events)
            state.batchesAcked += 1
            if ack.duplicate { state.duplicateEvents += UInt64(done.events) }
            return
        }
    }

    /// Re-establishes a worker's connection (fetching its address again: it may have restarted elsewhere) and
    /// resends its unacknowledged batches in order, for up to `retryFor`.
    mutating func reconnect(_ worker: Int, after failure: any Error) async throws {
        await connections[worker]?.close()
        connections[worker] = nil
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.retryFor)
        var delay = Duration.milliseconds(50)
        var lastError: any Error = failure
        while clock.now < deadline {
            do {
                let reply = try await replayer.fetchMap()
                guard reply.map.version == map.version else {
                    throw ErrorMessage(
                        code: .notOwner,
                        message:
                            "the shard map changed from v\(map.version) to v\(reply.map.version) during the replay; run it again",
                        mapVersion: reply.map.version
                    )
                }
                guard let endpoint = reply.endpoints[map.workers[worker]], reply.live.contains(map.workers[worker])
                else { throw ClientError.workerUnknown(map.workers[worker]) }
                let connection = try await replayer.connect(endpoint)
                connections[worker] = connection
                for index in inflight[worker].indices {
                    inflight[worker][index].reply = connection.send(
                        inflight[worker][index].frame,
                        timeout: options.ackTimeout
                    )
                }
                state.reconnects += 1
                return
            } catch let refusal as ErrorMessage {
                throw refusal
            } catch {
                lastError = error
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
        throw ReplayError.workerUnreachable(map.workers[worker], lastError: "\(lastError)", after: options.retryFor)
    }

    func closeAll() async {
        for connection in connections { await connection?.close() }
    }
}

/// Why a replay stopped.
public enum ReplayError: Error, CustomStringConvertible {
    case workerUnreachable(String, lastError: String, after: Duration)

    public var description: String {
        switch self {
        case .workerUnreachable(let worker, let lastError, let after):
            return
                "worker \(worker) stayed unreachable for \(after) (last error: \(lastError)); batches not acknowledged were not counted"
        }
    }
}
