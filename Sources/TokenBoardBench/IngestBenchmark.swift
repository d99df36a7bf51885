import NIOCore
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire

/// Ingest rate into one worker over loopback: pre-encoded batches sent pipelined on one connection, timed from
/// the first send to the last acknowledgement. The worker must own every employee (a one-worker topology).
public struct IngestBenchmark: Sendable {
    public var worker: Endpoint
    public var employees: Int
    public var events: Int
    public var batchSize: Int
    public var inflight: Int

    public init(
        worker: Endpoint,
        employees: Int = 100_000,
        events: Int = 5_000_000,
        batchSize: Int = 8192,
        inflight: Int = 16
    ) {
        self.worker = worker
        self.employees = employees
        self.events = events
        self.batchSize = batchSize
        self.inflight = inflight
    }

    public func run(priceBook: PriceBook) async throws -> [Measurement] {
        let batches = try SyntheticLoad.batches(
            employees: employees,
            events: events,
            batchSize: batchSize,
            priceBook: priceBook
        )
        let frames = batches.map { Frame(ingest: IngestRequest(mapVersion: 1, batch: $0), requestID: 0) }
        let payloadBytes = frames.reduce(0) { $0 + $1.payload.readableBytes }
        let connection = try await Connection.connect(to: worker)
        let clock = ContinuousClock()
        let started = clock.now
        var pending: [EventLoopFuture<Frame>] = []
        var acked: UInt64 = 0
        var samples: [Duration] = []
        var sentAt: [ContinuousClock.Instant] = []
        for frame in frames {
            if pending.count >= inflight {
                let reply = try await pending.removeFirst().get()
                acked += UInt64(try IngestAck(reply: reply).applied)
                samples.append(clock.now - sentAt.removeFirst())
            }
            sentAt.append(clock.now)
            pending.append(connection.send(frame, timeout: .seconds(60)))
        }
        for future in pending {
            acked += UInt64(try IngestAck(reply: await future.get()).applied)
            samples.append(clock.now - sentAt.removeFirst())
        }
        let elapsed = clock.now - started
        await connection.close()
        guard acked == UInt64(events) else {
            throw BenchmarkError("worker acknowledged \(acked) of \(events) events")
        }
        let latency = LatencySummary(samples: samples)
        return [
            Measurement(
                name: "ingest_events_per_second",
                value: Double(events) / max(elapsed.milliseconds / 1000, 1e-9),
                unit: "events/s",
                detail:
                    "one worker, one connection, \(inflight) batches of \(batchSize) in flight, \(payloadBytes / max(events, 1)) payload bytes/event before LZ4"
            ),
            Measurement(
                name: "ingest_ack_p99_ms",
                value: latency.p99.milliseconds,
                unit: "ms",
                detail: "per batch of \(batchSize), p50 \(String(latency.p50.milliseconds))"
            ),
        ]
    }
}

/// A benchmark that could not produce its figure.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
