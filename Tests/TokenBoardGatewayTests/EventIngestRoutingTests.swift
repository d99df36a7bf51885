import NIOCore
import NIOPosix
import Synchronization
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire
import XCTest

@testable import TokenBoardGateway

/// Where `POST /v1/events` sends a body, against fake workers in this process: only to the workers owning its
/// events, around a worker that is down, and what a worker refusing its own slots turns into.
final class EventIngestRoutingTests: XCTestCase {
    /// Nothing listens on port 1 of 127.0.0.1: a worker that is down.
    private let down = Endpoint(host: "127.0.0.1", port: 1)

    /// The workers a pool connected to, in order.
    private final class Connected: Sendable {
        private let workers = Mutex<[String]>([])

        func append(_ worker: String) { workers.withLock { $0.append(worker) } }

        var all: [String] { workers.withLock { $0 } }
    }

    /// An ingest sending through a pool that routes by `map` to `endpoints` and records each worker connected to.
    private func makeIngest(
        _ map: ShardMap,
        _ endpoints: [String: Endpoint],
        connected: Connected = Connected()
    ) -> EventIngest {
        let reply = ShardMapReply(map: map, endpoints: endpoints, live: map.workers)
        return EventIngest(
            connections: WorkerConnectionPool(
                group: MultiThreadedEventLoopGroup.singleton,
                onConnect: { connected.append($0) },
                shardMap: { reply }
            )
        )
    }

    /// `count` canonical lines for distinct employees that `worker` owns under `map`.
    private func lines(_ count: Int, ownedBy worker: String, in map: ShardMap, input: Int) -> [String] {
        let names = (0...).lazy.map { "\(worker)-person-\($0)" }.filter { map.owner(of: $0) == worker }.prefix(count)
        return names.map { #"{"ts":"2026-10-01T00:00:00Z","employee":"\#($0)","model":"m","input":\#(input)}"# }
    }

    func testARequestConnectsOnlyToTheWorkersOwningItsEvents() async throws {
        let w1 = try await FakeWorker(answering: .acknowledge(mapVersion: 1))
        let map = ShardMap.initial(workers: ["w1", "w2"])
        let connected = Connected()
        let ingest = makeIngest(map, ["w1": w1.endpoint, "w2": down], connected: connected)
        let body = lines(5, ownedBy: "w1", in: map, input: 3).joined(separator: "\n")
        let report = try await ingest.ingest(ByteBuffer(string: body), idempotencyKey: nil)
        XCTAssertEqual(report.events, 5)
        XCTAssertEqual(report.batches, 1)
        XCTAssertEqual(report.duplicateEvents, 0)
        XCTAssertEqual(w1.acknowledgedEvents, 5)
        XCTAssertEqual(connected.all, ["w1"], "w2, which is down, owns none of the events")
        await ingest.connections.closeAll()
        try await w1.stop()
    }

    func testAnEventForADownWorkerFailsNamingItOnceTheOthersAcknowledgedTheirs() async throws {
        let w1 = try await FakeWorker(answering: .acknowledge(mapVersion: 1))
        let w3 = try await FakeWorker(answering: .acknowledge(mapVersion: 1))
        let map = ShardMap.initial(workers: ["w1", "w2", "w3"])
        let ingest = makeIngest(map, ["w1": w1.endpoint, "w2": down, "w3": w3.endpoint])
        // w2's events first in the body and in the map's order: w3 still gets its part.
        let body =
            (lines(2, ownedBy: "w2", in: map, input: 1) + lines(3, ownedBy: "w1", in: map, input: 1)
            + lines(4, ownedBy: "w3", in: map, input: 1)).joined(separator: "\n")
        for key in [nil, "retry-me"] {
            do {
                let report = try await ingest.ingest(ByteBuffer(string: body), idempotencyKey: key)
                XCTFail("w2 is down, yet: \(report)")
            } catch let error as APIError {
                XCTAssertEqual(error.status, .serviceUnavailable)
                XCTAssertEqual(error.code, "shards-unavailable")
                XCTAssertTrue(
                    error.message.hasPrefix("worker w2 is unavailable: cannot connect to 127.0.0.1:1"),
                    error.message
                )
                let advice =
                    key == nil
                    ? "the request had no Idempotency-Key: sending it again counts the acknowledged events twice"
                    : "retry with the same Idempotency-Key and body: events already applied are acknowledged as duplicates"
                XCTAssertTrue(
                    error.message.hasSuffix(
                        "; 2 events for w2 were not sent; every event for the other workers (7) was acknowledged; \(advice)"
                    ),
                    error.message
                )
            }
        }
        XCTAssertEqual(w1.acknowledgedEvents, 6)
        XCTAssertEqual(w3.acknowledgedEvents, 8)
        await ingest.connections.closeAll()
        try await w1.stop()
        try await w3.stop()
    }

    func testAWorkerRefusingItsOwnSlotsIsAShardMapMismatchNamingBothVersions() async throws {
        let refusal = ErrorMessage(
            code: .notOwner,
            message: "worker w1 does not own employee 'w1-person-0' under shard map v1",
            mapVersion: 1
        )
        let w1 = try await FakeWorker(answering: .refuse(refusal))
        let initial = ShardMap.initial(workers: ["w1"])
        let map = ShardMap(version: 4, workers: initial.workers, owners: initial.owners)
        let ingest = makeIngest(map, ["w1": w1.endpoint])
        do {
            let report = try await ingest.ingest(
                ByteBuffer(string: lines(1, ownedBy: "w1", in: map, input: 9)[0]),
                idempotencyKey: "k"
            )
            XCTFail("w1 refused every batch, yet: \(report)")
        } catch {
            let api = APIError.from(error)
            XCTAssertEqual(api.status, .serviceUnavailable)
            XCTAssertEqual(api.code, "shard-map-mismatch")
            XCTAssertEqual(
                api.message,
                "worker w1 and the coordinator disagree about the shard map: the coordinator's map v4 routed a batch to w1, which refused it under its own map v1 (worker w1 does not own employee 'w1-person-0' under shard map v1). Slots never move (moving them is not implemented), so this is a misconfiguration: start the worker and the coordinator from the same topology"
            )
        }
        await ingest.connections.closeAll()
        try await w1.stop()
    }
}
