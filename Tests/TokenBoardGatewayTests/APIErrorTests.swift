import NIOHTTP1
import TokenBoardClient
import TokenBoardWire
import XCTest

@testable import TokenBoardGateway

/// How failures below the API become its documented errors (docs/API.md, "Errors").
final class APIErrorTests: XCTestCase {
    func testAWorkerRefusingItsSlotsIsAShardMapMismatchNamingTheWorkerAndBothVersions() {
        let mismatch = ReplayError.shardMapMismatch(
            worker: "w2",
            workerMapVersion: 1,
            routedMapVersion: 3,
            refusal: "worker w2 does not own employee 'ann' under shard map v1"
        )
        let error = APIError.from(mismatch)
        XCTAssertEqual(error.status, .serviceUnavailable)
        XCTAssertEqual(error.code, "shard-map-mismatch")
        XCTAssertEqual(
            error.message,
            "worker w2 and the coordinator disagree about the shard map: the coordinator's map v3 routed a batch to w2, which refused it under its own map v1 (worker w2 does not own employee 'ann' under shard map v1). Slots never move (moving them is not implemented), so this is a misconfiguration: start the worker and the coordinator from the same topology"
        )
    }

    func testARawNotOwnerRefusalIsAShardMapMismatchToo() {
        let refusal = ErrorMessage(
            code: .notOwner,
            message: "worker w1 does not own employee 'bo' under shard map v2",
            mapVersion: 2
        )
        let error = APIError.from(refusal)
        XCTAssertEqual(error.status, .serviceUnavailable)
        XCTAssertEqual(error.code, "shard-map-mismatch")
        XCTAssertEqual(
            error.message,
            "a worker and the coordinator disagree about the shard map (a misconfiguration: slots never move): worker w1 does not own employee 'bo' under shard map v2"
        )
    }

    func testAMapChangedDuringAnIngestKeepsItsOwnCode() {
        let error = APIError.from(ReplayError.shardMapChanged(from: 1, to: 2))
        XCTAssertEqual(error.status, .serviceUnavailable)
        XCTAssertEqual(error.code, "shard-map-changed")
        XCTAssertEqual(error.message, "the shard map changed from v1 to v2 during the replay; run it again")
    }

    func testWorkersNotReachedNameTheWorkersAndWhatWasAcknowledged() {
        let failure = ReplayError.workersNotReached(
            [
                .init(worker: "w2", reason: "worker w2 is unavailable: cannot connect to 127.0.0.1:9: refused"),
                .init(worker: "w4", reason: "worker w4 has not registered with the coordinator"),
            ],
            notSent: 12,
            unanswered: 3,
            acknowledged: 28
        )
        let error = APIError.from(failure)
        XCTAssertEqual(error.status, .serviceUnavailable)
        XCTAssertEqual(error.code, "shards-unavailable")
        XCTAssertEqual(
            error.message,
            "worker w2 is unavailable: cannot connect to 127.0.0.1:9: refused; worker w4 has not registered with the coordinator; 12 events for w2, w4 were not sent and 3 were sent without an acknowledgement (they may have been applied); every event for the other workers (28) was acknowledged"
        )
        let one = ReplayError.workersNotReached(
            [.init(worker: "w3", reason: "worker w3 is unavailable: cannot connect to 127.0.0.1:9: refused")],
            notSent: 1,
            unanswered: 0,
            acknowledged: 0
        )
        XCTAssertEqual(
            APIError.from(one).message,
            "worker w3 is unavailable: cannot connect to 127.0.0.1:9: refused; 1 event for w3 was not sent; every event for the other workers (0) was acknowledged"
        )
    }
}
