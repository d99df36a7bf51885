import NIOCore
import TokenBoardClient
import TokenBoardCore
import TokenBoardWorkload

/// What `POST /v1/events` did.
public struct IngestReport: Codable, Sendable, Hashable {
    /// Events in the body, all acknowledged by their owning workers.
    public var events: UInt64
    /// Of those, events the workers already had (a retried request with the same `Idempotency-Key`).
    public var duplicateEvents: UInt64
    /// Numbered batches sent to the workers.
    public var batches: UInt64
    public var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case events, batches
        case duplicateEvents = "duplicate_events"
        case idempotencyKey = "idempotency_key"
    }
}

/// Turns a body of canonical JSONL (docs/LOG-FORMAT.md) into numbered batches sent straight to the owning
/// workers over protocol v1, through the same `Replayer` as `tokenboard replay`, on the long-lived worker
/// connections of a `WorkerConnectionPool` shared by every request.
///
/// The whole body is parsed first: one bad line refuses the request (400, naming the line) and nothing is sent.
/// Only the workers owning the body's events are connected to, so a worker being down refuses only the requests
/// with events for it; those still send every other worker its part and wait for the acknowledgements before
/// answering 503 (naming the worker), so the live workers have applied theirs by then.
///
/// With an `Idempotency-Key` the batches are numbered under a producer id derived from the key and the body,
/// so a retry after any failure sends the same batches and the workers apply each once, as long as the worker
/// still remembers the key's producer (`ProducerSequences`: at least the latest 262,144 producers). Without a
/// key the batches are unnumbered and never resent: a request that fails with 503 may have been applied in
/// part, and retrying it can count events twice.
public struct EventIngest: Sendable {
    /// The shard map and the worker connections, kept across requests.
    public let connections: WorkerConnectionPool
    /// Events per batch.
    public var batchSize = 8192
    /// The deadline for each worker's acknowledgement.
    public var ackTimeout: TimeAmount = .seconds(10)
    /// How long a keyed request keeps reconnecting to a worker that went away before it answers 503.
    public var retryFor: Duration = .seconds(5)

    /// Sends through `connections` (in a coordinator: a pool reading the coordinator's own shard map).
    public init(connections: WorkerConnectionPool) {
        self.connections = connections
    }

    /// Sends through a pool that asks `coordinator` for the shard map over protocol v1 on every request: for a
    /// gateway running apart from the coordinator.
    public init(coordinator: Endpoint, group: any EventLoopGroup) {
        let map = CoordinatorTransport(coordinator: coordinator, group: group)
        self.init(connections: WorkerConnectionPool(group: group) { try await map.shardMap() })
    }

    /// Parses `body` and sends its events; throws `APIError` for a bad body and the cluster's errors otherwise.
    public func ingest(_ body: ByteBuffer, idempotencyKey: String?) async throws -> IngestReport {
        if let idempotencyKey { try IdempotencyKey.validate(idempotencyKey) }
        let events = try Self.parse(body)
        guard !events.isEmpty else {
            throw APIError(
                .badRequest,
                code: "bad-request",
                message: "the body holds no events (canonical JSONL, one per line)"
            )
        }
        var options = ReplayOptions()
        options.reach = .eventOwners
        options.batchSize = batchSize
        options.ackTimeout = ackTimeout
        if let idempotencyKey {
            options.producerID = IdempotencyKey.producerID(key: idempotencyKey, body: body.readableBytesView)
            options.retryFor = retryFor
        } else {
            options.producerID = 0
            // Unnumbered batches must not be resent: a lost acknowledgement would count them twice.
            options.retryFor = .zero
        }
        let replayer = Replayer(transport: connections, options: options)
        var pending = Optional(events)
        let progress: ReplayProgress
        do {
            progress = try await replayer.run { chunk in
                if let events = pending.take() { chunk.append(contentsOf: events) }
                return false
            }
        } catch let failure as ReplayError {
            guard case .workersNotReached = failure else { throw failure }
            let retry =
                idempotencyKey == nil
                ? "the request had no Idempotency-Key: sending it again counts the acknowledged events twice"
                : "retry with the same Idempotency-Key and body: events already applied are acknowledged as duplicates"
            throw APIError(.serviceUnavailable, code: "shards-unavailable", message: "\(failure); \(retry)")
        }
        return IngestReport(
            events: progress.eventsAcked,
            duplicateEvents: progress.duplicateEvents,
            batches: progress.batchesAcked,
            idempotencyKey: idempotencyKey
        )
    }

    /// The events of a JSONL body; the first bad line is refused with its 1-based number (blank lines count).
    static func parse(_ body: ByteBuffer) throws(APIError) -> [UsageEvent] {
        var parser = CanonicalLineParser()
        var events: [UsageEvent] = []
        let outcome = body.withUnsafeReadableBytes { bytes -> APIError? in
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                lineNumber += 1
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                do throws(LogLineError.Reason) {
                    let limit = CanonicalLogReader.defaultMaxLineLength
                    guard line.count <= limit else { throw .lineTooLong(limit: limit) }
                    if let event = try parser.parse(line) { events.append(event) }
                } catch {
                    return APIError(
                        .badRequest,
                        code: "bad-line",
                        message: "line \(lineNumber): \(error)",
                        line: lineNumber
                    )
                }
            }
            return nil
        }
        if let outcome { throw outcome }
        return events
    }
}
