import TokenBoardClient
import XCTest

final class ReplayOptionsTests: XCTestCase {
    func testFirstConnectionKeepsTheProducerIDAndTheOthersAreDistinct() {
        var options = ReplayOptions()
        options.producerID = 77
        XCTAssertEqual(options.producerID(connection: 0), 77)
        let ids = (0..<64).map { options.producerID(connection: $0) }
        XCTAssertEqual(Set(ids).count, 64)
        XCTAssertFalse(ids.contains(0))
        // A replay started with the next producer ids must not share any connection's numbering with this one.
        var neighbour = ReplayOptions()
        for base in UInt64(78)...UInt64(141) {
            neighbour.producerID = base
            XCTAssertTrue(Set(ids).isDisjoint(with: (0..<64).map { neighbour.producerID(connection: $0) }))
        }
    }

    func testProducerIDsAreStableAcrossRuns() {
        var options = ReplayOptions()
        options.producerID = 77
        let again = options
        XCTAssertEqual(
            (0..<8).map { options.producerID(connection: $0) },
            (0..<8).map { again.producerID(connection: $0) }
        )
    }
}

final class ReplayStatusLineTests: XCTestCase {
    private func progress() -> ReplayProgress {
        var progress = ReplayProgress()
        progress.eventsAcked = 1_200_000
        progress.eventsSent = 1_250_000
        progress.connectionFailures = 3
        progress.payloadBytes = 100_000_000
        progress.elapsed = .seconds(2)
        return progress
    }

    func testInputFractionGivesTheETA() {
        let line = ReplayStatusLine(inputBytes: 400_000_000)
        // 100 MB of 400 MB read in 2 s: 25%, 6 s to go; 100 MB of batches in 2 s is 50 MB/s; 1.2M acknowledged
        // in 2 s is 600,000 events/s.
        XCTAssertEqual(
            line.render(progress(), bytesRead: 100_000_000),
            "acked 1,200,000/1,250,000 events, 600,000 events/s, 50.0 MB/s sent, 3 errors, 25%, ETA 6 s"
        )
    }

    func testTheNearestLimitWins() {
        // 1.25M of a 2.5M limit is 50%, ahead of the input's 25%: 2 s to go.
        XCTAssertTrue(
            ReplayStatusLine(inputBytes: 400_000_000, limit: 2_500_000).render(progress(), bytesRead: 100_000_000)
                .hasSuffix("50%, ETA 2 s")
        )
        // 2 s of a 5 s duration is 40%: 3 s to go.
        XCTAssertTrue(
            ReplayStatusLine(inputBytes: 0, duration: .seconds(5)).render(progress(), bytesRead: 0)
                .hasSuffix("40%, ETA 3 s")
        )
        XCTAssertTrue(ReplayStatusLine(inputBytes: 0).render(progress(), bytesRead: 0).hasSuffix("0%, ETA -"))
    }
}
