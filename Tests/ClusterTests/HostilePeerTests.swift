import Foundation
import NIOCore
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

/// A live worker fed broken frames and noise: each gets an error frame where one can be sent, the connection is
/// closed, the worker stays up and no counter moves.
final class HostilePeerTests: XCTestCase {
    func testBrokenFramesGetErrorsAndChangeNothing() async throws {
        try await TestCluster.run(workerIDs: ["w1", "w2"]) { cluster in try await check(cluster) }
    }

    private func check(_ cluster: TestCluster) async throws {
        let log = try cluster.generateLog(
            "small",
            employees: 300,
            events: 3000,
            totalTokens: 3_000_000_000,
            topTokens: 60_000_000,
            seed: 42
        )
        XCTAssertEqual(try cluster.cli(["replay", log, "--quiet"]).status, 0)
        let before = try cluster.cli(["top", "-k", "300", "--json"])
        XCTAssertEqual(before.status, 0, before.stderr)
        let statusBefore = try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]]
        XCTAssertEqual(statusBefore.compactMap { ($0["events"] as? NSNumber)?.intValue }.reduce(0, +), 3000)

        let worker = cluster.workerEndpoints["w1"]!
        var valid = ByteBuffer()
        try FrameEncoder.encode(Frame(StatsQuery(), requestID: 42), into: &valid)
        let frame = Array(valid.readableBytesView)
        XCTAssertEqual(frame.count, 28)

        var badMagic = frame
        badMagic[0] ^= 0xFF
        var badVersion = frame
        badVersion[4] = 9
        var oversized = frame
        oversized[16..<20] = [0x00, 0x00, 0x00, 0x7F]  // declares a 2 GiB payload; only the header is sent
        var ingest = ByteBuffer()
        let events = EventBatch(
            employees: ["emp-x"],
            models: ["claude-haiku-4-5"],
            tools: [""],
            sessions: [""],
            events: [
                BatchedEvent(
                    employee: 0,
                    model: 0,
                    tool: 0,
                    session: 0,
                    timestampMillis: 0,
                    counts: TokenCounts(input: 5)
                )
            ]
        )
        try FrameEncoder.encode(Frame(IngestRequest(mapVersion: 1, batch: events), requestID: 43), into: &ingest)
        var badChecksum = Array(ingest.readableBytesView)
        badChecksum[badChecksum.count - 1] ^= 0x01

        var random = SplitMix64(seed: 99)
        let noise = (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) }

        for (name, bytes) in [
            ("bad magic", badMagic), ("bad version", badVersion), ("oversized", oversized),
            ("bad checksum", badChecksum), ("noise", noise),
        ] {
            let (received, closed) = try await RawExchange.send(bytes, to: worker, closeAfterSending: false)
            XCTAssertTrue(closed, "\(name): the worker must close the connection")
            XCTAssertGreaterThanOrEqual(received.count, 28, "\(name): expected an error frame")
            XCTAssertEqual(Array(received.prefix(4)), [0x54, 0x42, 0x4B, 0x31], "\(name): magic")
            XCTAssertEqual(received.count >= 6 ? received[5] : 0, MessageType.error.rawValue, "\(name): error type")
        }
        // A frame cut short by the peer: nothing to answer, nothing applied.
        let truncated = Array(ingest.readableBytesView.prefix(40))
        _ = try await RawExchange.send(truncated, to: worker, closeAfterSending: true)

        let after = try cluster.cli(["top", "-k", "300", "--json"])
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertEqual(
            try (after.json()["entries"] as! [[String: Any]]).map { $0["employee"] as! String },
            try (before.json()["entries"] as! [[String: Any]]).map { $0["employee"] as! String }
        )
        XCTAssertEqual(
            try (after.json()["company"] as! [String: Any])["tokens"] as? NSNumber,
            try (before.json()["company"] as! [String: Any])["tokens"] as? NSNumber
        )
        let statusAfter = try cluster.cli(["status", "--json"]).json()
        XCTAssertEqual(statusAfter["workers_alive"] as? Int, 2)
        let workersAfter = statusAfter["workers"] as! [[String: Any]]
        XCTAssertEqual(workersAfter.compactMap { ($0["events"] as? NSNumber)?.intValue }.reduce(0, +), 3000)
    }
}
