import NIOCore
import TokenBoardCore
import TokenBoardWire

/// One replay's state: the map, the lanes (connections) to each worker with their unacknowledged batches, a
/// batch being built per worker (`BatchPartitioner`), the pacer and the acknowledgement latencies.
///
/// Under `ReplayOptions.Reach.eventOwners` a worker's lanes connect when its first batch is sent, so a replay
/// needs only the workers it has events for: a small request whose employees all live on running workers goes
/// through while another worker is down. Under `everyWorker` every lane connects before anything is sent.
struct ReplaySession {
    /// Whether a worker's lanes are connected.
    private enum WorkerState {
        /// No batch has gone to the worker yet (`eventOwners`).
        case unopened
        case open
        /// Given up on (`eventOwners`): its batches are set aside.
        case failed
    }

    /// A paced event is sent at once if it is due within this much: sleeping for less costs more than it keeps.
    static let pacingGranularity = Duration.milliseconds(1)

    let replayer: Replayer
    let options: ReplayOptions
    let map: ShardMap
    /// Where each worker listens, as the map's reply said when the replay started.
    private let endpoints: [String: Endpoint]
    /// Per worker, `connectionsPerWorker` lanes in a row; each connects when its worker's first batch is sent.
    private var lanes: [Lane] = []
    private var workerStates: [WorkerState]
    /// The workers given up on, in the order it happened (`eventOwners` only).
    private var failures: [ReplayError.WorkerFailure] = []
    /// Events for workers given up on: never sent, and sent but never acknowledged.
    private var eventsNotSent: UInt64 = 0
    private var eventsUnanswered: UInt64 = 0
    /// Per worker, the lane its next batch goes to (0 ..< connectionsPerWorker).
    private var nextLane: [Int]
    private var partitioner: BatchPartitioner
    private var pacer: Pacer
    private var latency = LatencyHistogram()
    private var state = ReplayProgress()
    private let clock = ContinuousClock()
    private var start: ContinuousClock.Instant
    private var lastReport: ContinuousClock.Instant
    /// Under pacing: when the partly filled batches must go out, so no event waits longer than `linger`.
    private var lingerDeadline: ContinuousClock.Instant?

    init(replayer: Replayer) async throws {
        self.replayer = replayer
        options = replayer.options
        let reply = try await replayer.transport.shardMap()
        map = reply.map
        endpoints = reply.endpoints
        let connections = max(1, options.connectionsPerWorker)
        nextLane = Array(repeating: 0, count: map.workers.count)
        workerStates = Array(repeating: .unopened, count: map.workers.count)
        partitioner = BatchPartitioner(map: map, capacity: min(options.batchSize, 1 << 16))
        pacer = Pacer(options.pacing, burst: Pacer.defaultBurst(for: options.pacing))
        start = ContinuousClock.now
        lastReport = start
        for worker in map.workers.indices {
            for index in 0..<connections {
                lanes.append(Lane(worker: worker, producerID: options.producerID(connection: index)))
            }
        }
        guard options.reach == .everyWorker else { return }
        do {
            for worker in map.workers.indices { try await connect(worker) }
        } catch {
            await closeAll()
            throw error
        }
    }

    /// Sends every event of the batches `source` hands out (it replaces the batch and returns false once
    /// exhausted; the batch it returns false with is still sent).
    mutating func replay(
        source: (inout EventBatch) throws -> Bool,
        progress: (ReplayProgress) -> Void
    ) async throws -> ReplayProgress {
        start = clock.now
        lastReport = start
        let deadline = options.duration.map { start.advanced(by: $0) }
        var appended: UInt64 = 0
        var chunk = EventBatch()
        var more = true
        sending: while more {
            chunk = EventBatch()
            more = try source(&chunk)
            partitioner.start(chunk)
            if pacer.isPaced {
                for index in chunk.events.indices {
                    let timestamp = chunk.events[index].timestampMillis
                    guard try await pace(timestamp, deadline: deadline, progress: progress) else {
                        state.stop = .duration
                        break sending
                    }
                    let step = partitioner.routeEvents(index..<index + 1, fillingUpTo: options.batchSize)
                    for (worker, batch) in step.ready { try await send(batch, to: worker) }
                    appended += 1
                    if let limit = options.limit, appended >= limit {
                        state.stop = .limit
                        break sending
                    }
                }
            } else {
                // Unpaced, no event waits for its time: the chunk (up to the limit) is routed in runs.
                let count =
                    options.limit.map { min(chunk.events.count, Int(clamping: $0 - appended)) }
                    ?? chunk.events.count
                try await sendEvents(count: count)
                appended += UInt64(count)
                if let limit = options.limit, appended >= limit {
                    state.stop = .limit
                    break sending
                }
            }
            let now = clock.now
            if let deadline, now >= deadline, more {
                state.stop = .duration
                break
            }
            try await report(now, progress)
        }
        for worker in map.workers.indices where partitioner.count(of: worker) > 0 {
            try await send(partitioner.take(worker), to: worker)
        }
        return try await finish(progress)
    }

    /// Routes the first `count` events of the partitioner's current source batch and sends every batch that fills:
    /// the loop of an unpaced replay, which needs no look at single events.
    private mutating func sendEvents(count: Int) async throws {
        var index = 0
        while index < count {
            let step = partitioner.routeEvents(index..<count, fillingUpTo: options.batchSize)
            for (worker, batch) in step.ready { try await send(batch, to: worker) }
            index = step.next
        }
    }

    /// Waits for every acknowledgement and hands out the final progress; then fails naming the workers given
    /// up on, if any.
    private mutating func finish(_ progress: (ReplayProgress) -> Void) async throws -> ReplayProgress {
        for lane in lanes.indices {
            while !lanes[lane].inflight.isEmpty { try await settle(lane) }
        }
        state.elapsed = clock.now - start
        state.ackLatency = latency.percentiles
        progress(state)
        guard failures.isEmpty else {
            throw ReplayError.workersNotReached(
                failures,
                notSent: eventsNotSent,
                unanswered: eventsUnanswered,
                acknowledged: state.eventsAcked
            )
        }
        return state
    }

    /// Notes why a sharded log's batches are partitioned again rather than sent as they are, and hands out
    /// progress at once, so the reason is shown before anything is sent.
    mutating func noteRepartitioned(_ reason: String, progress: (ReplayProgress) -> Void) {
        state.repartitioned = reason
        progress(state)
    }

    /// Sends every batch `source` hands out (nil once exhausted) to its worker as it is: the batches were
    /// partitioned, encoded and compressed for this map ahead of time (a sharded log). Stops early only at the
    /// options' duration; pacing and event limits need events one by one and take `replay(source:progress:)`.
    mutating func replay(
        prepared source: () throws -> (worker: Int, batch: PreparedBatch)?,
        progress: (ReplayProgress) -> Void
    ) async throws -> ReplayProgress {
        start = clock.now
        lastReport = start
        let deadline = options.duration.map { start.advanced(by: $0) }
        while let next = try source() {
            try await send(prepared: next.batch, to: next.worker)
            let now = clock.now
            if let deadline, now >= deadline {
                state.stop = .duration
                break
            }
            try await report(now, progress)
        }
        return try await finish(progress)
    }

    /// Hands out progress about once a second, first taking every acknowledgement that has arrived (the
    /// windows are otherwise only drained when full, and the count would lag behind the workers).
    private mutating func report(_ now: ContinuousClock.Instant, _ progress: (ReplayProgress) -> Void) async throws {
        guard now - lastReport >= .seconds(1) else { return }
        lastReport = now
        for lane in lanes.indices {
            while let oldest = lanes[lane].inflight.first, oldest.reply.hasArrived { try await settle(lane) }
        }
        state.elapsed = now - start
        state.ackLatency = latency.percentiles
        progress(state)
    }

    /// Waits until the pacer lets the event stamped `timestampMillis` go, sending partly filled batches that have
    /// lingered long enough meanwhile. Returns false, without waiting further, once `deadline` has passed.
    private mutating func pace(
        _ timestampMillis: Int64,
        deadline: ContinuousClock.Instant?,
        progress: (ReplayProgress) -> Void
    ) async throws -> Bool {
        var now = clock.now
        let due = start.advanced(
            by: .nanoseconds(pacer.admit(timestampMillis: timestampMillis, now: (now - start).wholeNanoseconds))
        )
        if lingerDeadline == nil { lingerDeadline = now.advanced(by: options.linger) }
        while true {
            if let deadline, now >= deadline { return false }
            if let linger = lingerDeadline, now >= linger {
                lingerDeadline = nil
                for worker in map.workers.indices where partitioner.count(of: worker) > 0 {
                    try await send(partitioner.take(worker), to: worker)
                }
            }
            try await report(now, progress)
            guard due - now > Self.pacingGranularity else { return true }
            var wake = min(due, lastReport.advanced(by: .seconds(1)))
            if let linger = lingerDeadline { wake = min(wake, linger) }
            if let deadline { wake = min(wake, deadline) }
            try await clock.sleep(until: wake)
            now = clock.now
        }
    }

    /// Sends a batch on the worker's next lane, first waiting for that lane's oldest batch if its window is full.
    private mutating func send(_ batch: EventBatch, to worker: Int) async throws {
        guard let lane = try await openLane(for: worker) else {
            eventsNotSent += UInt64(batch.events.count)
            return
        }
        let request = IngestRequest(
            producerID: lanes[lane].producerID,
            sequence: lanes[lane].sequence,
            mapVersion: map.version,
            batch: batch
        )
        let frame = Frame(ingest: request, requestID: 0)
        try dispatch(.frame(frame), events: batch.events.count, payloadBytes: frame.payload.readableBytes, on: lane)
    }

    /// Sends a batch prepared for this map (a sharded log's block) as it is, on the worker's next lane.
    private mutating func send(prepared batch: PreparedBatch, to worker: Int) async throws {
        guard let lane = try await openLane(for: worker) else {
            eventsNotSent += UInt64(batch.events)
            return
        }
        let frame = try EncodedFrame.ingest(
            producerID: lanes[lane].producerID,
            sequence: lanes[lane].sequence,
            mapVersion: map.version,
            batch: batch
        )
        // Counted before compression, as `send(_:to:)` counts: the request header and the encoded batch.
        try dispatch(.encoded(frame), events: batch.events, payloadBytes: 24 + batch.rawLength, on: lane)
    }

    /// The worker's next lane, once its window has room, with the sequence number of the batch about to go on it;
    /// nil when the worker has been given up on (`eventOwners`). Connects the worker's lanes on its first batch.
    private mutating func openLane(for worker: Int) async throws -> Int? {
        if workerStates[worker] == .unopened { try await connect(worker) }
        guard workerStates[worker] == .open else { return nil }
        let connections = max(1, options.connectionsPerWorker)
        let lane = worker * connections + nextLane[worker]
        nextLane[worker] = (nextLane[worker] + 1) % connections
        while lanes[lane].inflight.count >= options.inflightPerWorker { try await settle(lane) }
        // Settling may have given the worker up.
        guard workerStates[worker] == .open else { return nil }
        lanes[lane].sequence += 1
        return lane
    }

    /// Connects every lane of a worker, once. A worker that cannot be reached stops the replay or, under
    /// `eventOwners`, is given up on.
    private mutating func connect(_ worker: Int) async throws {
        let id = map.workers[worker]
        let connections = max(1, options.connectionsPerWorker)
        let workerLanes = worker * connections..<(worker + 1) * connections
        do {
            guard let endpoint = endpoints[id] else { throw ClientError.workerUnknown(id) }
            for lane in workerLanes {
                do {
                    lanes[lane].connection = try await replayer.transport.connection(to: id, at: endpoint)
                } catch {
                    throw ReplayError.workerUnavailable(id, reason: "\(error)")
                }
            }
            workerStates[worker] = .open
        } catch {
            for lane in workerLanes {
                guard let connection = lanes[lane].connection else { continue }
                lanes[lane].connection = nil
                await replayer.transport.release(connection, of: id, failed: false)
            }
            try giveUp(worker, because: error)
        }
    }

    /// Stops the replay with `error`, or under `eventOwners` sets the worker aside: what it has in flight is
    /// dropped unanswered and its later batches are not sent.
    private mutating func giveUp(_ worker: Int, because error: any Error) throws {
        guard options.reach == .eventOwners else { throw error }
        workerStates[worker] = .failed
        failures.append(ReplayError.WorkerFailure(worker: map.workers[worker], reason: "\(error)"))
        for lane in lanes.indices where lanes[lane].worker == worker {
            eventsUnanswered += lanes[lane].inflight.reduce(0) { $0 + UInt64($1.events) }
            lanes[lane].inflight.removeAll()
        }
    }

    /// Waits for the lane's oldest unacknowledged batch (see `settleOldest`); a worker that stayed unreachable
    /// is given up on under `eventOwners`.
    private mutating func settle(_ lane: Int) async throws {
        do {
            try await settleOldest(of: lane)
        } catch let failure as ReplayError {
            guard case .workerUnreachable = failure else { throw failure }
            try giveUp(lanes[lane].worker, because: failure)
        }
    }

    private mutating func dispatch(
        _ request: PendingRequest.Outgoing,
        events: Int,
        payloadBytes: Int,
        on lane: Int
    ) throws {
        state.payloadBytes += UInt64(payloadBytes)
        state.eventsSent += UInt64(events)
        // `openLane` connects a lane before its first batch; after that its connection is only ever missing
        // inside `reconnect`, which either restores it or throws.
        guard let connection = lanes[lane].connection else {
            throw ClientError.workerUnknown(map.workers[lanes[lane].worker])
        }
        let sentAt = clock.now
        let reply = Lane.send(request, on: connection, timeout: options.ackTimeout)
        lanes[lane].inflight.append(Lane.InFlight(events: events, request: request, sentAt: sentAt, reply: reply))
    }

    /// Waits for the lane's oldest unacknowledged batch; on a connection failure reconnects and resends.
    private mutating func settleOldest(of lane: Int) async throws {
        while true {
            let reply: Lane.Acknowledgement
            do {
                reply = try await lanes[lane].inflight[0].reply.future.get()
            } catch let refusal as ErrorMessage {
                throw refused(refusal, on: lane)
            } catch {
                state.connectionFailures += 1
                try await reconnect(lane, after: error)
                continue
            }
            let ack: IngestAck
            do {
                ack = try IngestAck(reply: reply.frame)
            } catch let refusal as ErrorMessage {
                throw refused(refusal, on: lane)
            }
            let done = lanes[lane].inflight.removeFirst()
            latency.record(reply.arrived - done.sentAt)
            state.eventsAcked += UInt64(done.events)
            state.batchesAcked += 1
            if ack.duplicate { state.duplicateEvents += UInt64(done.events) }
            return
        }
    }

    /// A worker's refusal of a batch on `lane`, as the replay reports it.
    private func refused(_ refusal: ErrorMessage, on lane: Int) -> any Error {
        guard refusal.code == .notOwner else { return refusal }
        // Slots never move, so a worker that does not own what this map gives it was configured apart.
        return ReplayError.shardMapMismatch(
            worker: map.workers[lanes[lane].worker],
            workerMapVersion: refusal.mapVersion,
            routedMapVersion: map.version,
            refusal: refusal.message
        )
    }

    /// Re-establishes a lane's connection (fetching the worker's address again: it may have restarted
    /// elsewhere) and resends its unacknowledged batches in order, for up to `retryFor`.
    private mutating func reconnect(_ lane: Int, after failure: any Error) async throws {
        let worker = lanes[lane].worker
        if let failed = lanes[lane].connection {
            await replayer.transport.release(failed, of: map.workers[worker], failed: true)
        }
        lanes[lane].connection = nil
        let deadline = clock.now.advanced(by: options.retryFor)
        var delay = Duration.milliseconds(50)
        var lastError: any Error = failure
        while clock.now < deadline {
            do {
                let reply = try await replayer.transport.shardMap()
                guard reply.map.version == map.version else {
                    throw ReplayError.shardMapChanged(from: map.version, to: reply.map.version)
                }
                guard let endpoint = reply.endpoints[map.workers[worker]], reply.live.contains(map.workers[worker])
                else { throw ClientError.workerUnknown(map.workers[worker]) }
                let connection = try await replayer.transport.connection(to: map.workers[worker], at: endpoint)
                lanes[lane].connection = connection
                for index in lanes[lane].inflight.indices {
                    lanes[lane].inflight[index].reply = Lane.send(
                        lanes[lane].inflight[index].request,
                        on: connection,
                        timeout: options.ackTimeout
                    )
                }
                state.reconnects += 1
                return
            } catch let refusal as ErrorMessage {
                throw refusal
            } catch let failure as ReplayError {
                throw failure
            } catch {
                lastError = error
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
        throw ReplayError.workerUnreachable(map.workers[worker], lastError: "\(lastError)", after: options.retryFor)
    }

    /// Hands every lane's connection back to the transport (which closes it, or keeps it for the next replay).
    func closeAll() async {
        for lane in lanes {
            guard let connection = lane.connection else { continue }
            await replayer.transport.release(connection, of: map.workers[lane.worker], failed: false)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating far beyond any replay's length).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? (seconds < 0 ? .min : .max) : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
