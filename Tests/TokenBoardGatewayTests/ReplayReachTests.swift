import NIOCore
import NIOPosix
import TokenBoardClient
import TokenBoardCore
import TokenBoardWire
import XCTest

/// Which workers a `Replayer` connects to (`ReplayOptions.Reach`), against fake workers in this process: every
/// worker before sending for `tokenboard replay`, only the events' owners for the gateway.
final class ReplayReachTests: XCTestCase {
    /// Nothing listens on port 1 of 127.0.0.1: a worker that is down.
    private let down = Endpoint(host: "127.0.0.1", port: 1)

    private func replay(_ events: [UsageEvent], reach: ReplayOptions.Reach, to endpoints: [String: Endpoint])
        async throws -> ReplayProgress
    {
        let reply = ShardMapReply(map: .initial(workers: ["w1", "w2"]), endpoints: endpoints, live: ["w1", "w2"])
        let pool = WorkerConnectionPool(group: MultiThreadedEventLoopGroup.singleton) { reply }
        var options = ReplayOptions()
        options.reach = reach
        var pending = Optional(events)
        do {
            let progress = try await Replayer(transport: pool, options: options).run { chunk in
                if let events = pending.take() { chunk.append(contentsOf: events) }
                return false
            }
            await pool.closeAll()
            return progress
        } catch {
            await pool.closeAll()
            throw error
        }
    }

    /// Three events for employees that w1 owns.
    private func eventsForW1() -> [UsageEvent] {
        let map = ShardMap.initial(workers: ["w1", "w2"])
        let names = (0...).lazy.map { "person-\($0)" }.filter { map.owner(of: $0) == "w1" }.prefix(3)
        return names.map {
            UsageEvent(timestampMillis: 1_790_000_000_000, employee: $0, model: "m", counts: TokenCounts(input: 10))
        }
    }

    func testEveryWorkerIsConnectedFirstSoAWorkerDownSendsNothingAndIsNamed() async throws {
        let w1 = try await FakeWorker(answering: .acknowledge(mapVersion: 1))
        do {
            let progress = try await replay(eventsForW1(), reach: .everyWorker, to: ["w1": w1.endpoint, "w2": down])
            XCTFail("w2 is down, yet: \(progress)")
        } catch let error as ReplayError {
            guard case .workerUnavailable("w2", let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.hasPrefix("cannot connect to 127.0.0.1:1: "), reason)
            XCTAssertTrue(error.description.hasPrefix("worker w2 is unavailable: cannot connect to 127.0.0.1:1: "))
        }
        XCTAssertEqual(w1.acknowledgedEvents, 0, "nothing is sent when a worker is down at the start")
        try await w1.stop()
    }

    func testEventOwnersOnlyNeedTheWorkersTheEventsBelongTo() async throws {
        let w1 = try await FakeWorker(answering: .acknowledge(mapVersion: 1))
        let progress = try await replay(eventsForW1(), reach: .eventOwners, to: ["w1": w1.endpoint, "w2": down])
        XCTAssertEqual(progress.eventsAcked, 3)
        XCTAssertEqual(progress.batchesAcked, 1)
        XCTAssertEqual(w1.acknowledgedEvents, 3)
        try await w1.stop()
    }
}
