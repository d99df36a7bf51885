import Foundation
import TokenBoardClient
import XCTest

/// Graceful stops, snapshots and a data directory that cannot be written, with real worker processes.
final class DurabilityTests: XCTestCase {
    func testSIGTERMSnapshotsAndRestartLoadsTheSnapshotWithNoLogToReplay() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "month",
                employees: 3000,
                events: 40000,
                totalTokens: 300000000000,
                topTokens: 3000000000,
                seed: 5
            )
            let replay = try cluster.cli(["replay", log, "--quiet", "--batch", "1000"])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
            XCTAssertGreaterThan(try cluster.logBytesOnDisk(of: "w3"), 0)

            let status = await cluster.workers["w3"]!.stop(signal: SIGTERM)
            XCTAssertEqual(status, 0, cluster.workerLog("w3"))
            XCTAssertTrue(cluster.workerLog("w3").contains("reason=shutdown"), cluster.workerLog("w3"))
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: cluster.dataDirectory(of: "w3") + "/snapshot.tbs")
            )
            XCTAssertEqual(try cluster.logBytesOnDisk(of: "w3"), 0, "the snapshot covers the whole log")

            try await cluster.restart(worker: "w3")
            let recovered = cluster.workerLog("w3")
            XCTAssertTrue(recovered.contains("snapshot_age_s="), recovered)
            XCTAssertTrue(recovered.contains("log_records=0"), recovered)

            let board = try cluster.cli(["top", "-k", "3000", "--json"])
            XCTAssertEqual(board.status, 0, board.stderr)
            let entries = try board.json()["entries"] as! [[String: Any]]
            XCTAssertEqual(entries.count, 3000)
            XCTAssertEqual(ledger.differences(from: entries), [])

            let workers = try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]]
            let w3 = try XCTUnwrap(workers.first { $0["id"] as? String == "w3" })
            XCTAssertGreaterThan((w3["last_snapshot_ms"] as? NSNumber)?.int64Value ?? 0, 0, "\(w3)")
            XCTAssertNotNil(w3["snapshot_age_s"], "\(w3)")
            XCTAssertEqual((w3["log_bytes"] as? NSNumber)?.uint64Value, 0)
            let table = try cluster.cli(["status"])
            XCTAssertTrue(table.stdout.contains("snapshot"), table.stdout)
        }
    }

    /// SIGTERM in the middle of a replay: the worker finishes the batch it is applying, snapshots and exits 0; the
    /// replayer resends what was not acknowledged once it is back, and every total is exact.
    func testSIGTERMDuringAReplayDrainsSnapshotsAndLosesNothing() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "busy",
                employees: 4000,
                events: 200000,
                totalTokens: 400000000000,
                topTokens: 4000000000,
                seed: 31
            )
            let replay = try BackgroundCommand(
                binary: cluster.binary,
                arguments: [
                    "replay", log, "--quiet", "--json", "--batch", "1000", "--inflight", "4",
                    "--coordinator", cluster.coordinatorEndpoint.description,
                ],
                directory: cluster.directory,
                name: "replay"
            )
            let client = try await ClusterClient.connect(to: cluster.coordinatorEndpoint)
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(120))
            while clock.now < deadline {
                let events = try await client.status().workers.first { $0.id == "w1" }?.stats?.events ?? 0
                if events > 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await client.close()
            XCTAssertTrue(replay.isRunning, "the replay must still be running when w1 is stopped")
            let status = await cluster.workers["w1"]!.stop(signal: SIGTERM)
            XCTAssertEqual(status, 0, cluster.workerLog("w1"))
            XCTAssertTrue(cluster.workerLog("w1").contains("reason=shutdown"), cluster.workerLog("w1"))
            try await cluster.restart(worker: "w1")

            let (exit, output) = await replay.finish()
            XCTAssertEqual(exit, 0, output)
            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
            let board = try cluster.cli(["top", "-k", "4000", "--json"])
            XCTAssertEqual(board.status, 0, board.stderr)
            let entries = try board.json()["entries"] as! [[String: Any]]
            XCTAssertEqual(entries.count, 4000)
            XCTAssertEqual(ledger.differences(from: entries), [])
        }
    }

    /// A worker whose log cannot grow (a file-size limit of 0, as a full disk would) refuses ingest with a
    /// storage error the replayer prints, counts nothing, and goes on answering queries.
    func testUnwritableLogFailsIngestClearlyAndQueriesGoOn() async throws {
        try await TestCluster.run(workerIDs: ["w1"], workerWrapper: "ulimit -f 0") { cluster in
            let log = try cluster.generateLog(
                "day",
                employees: 50,
                events: 500,
                totalTokens: 1000000000,
                topTokens: 100000000,
                seed: 3
            )
            let replay = try cluster.cli(["replay", log, "--quiet", "--retry-for", "0"])
            XCTAssertNotEqual(replay.status, 0)
            XCTAssertTrue(replay.stderr.contains("not stored"), replay.stderr)
            XCTAssertTrue(replay.stderr.contains("File too large"), replay.stderr)

            let top = try cluster.cli(["top", "--json"])
            XCTAssertEqual(top.status, 0, top.stderr)
            XCTAssertEqual((try top.json()["entries"] as? [Any])?.count, 0)
            let workers = try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]]
            XCTAssertEqual(workers.first?["alive"] as? Bool, true)
            XCTAssertEqual((workers.first?["events"] as? NSNumber)?.intValue, 0)
        }
    }

    /// A data directory on tmpfs works, and the worker says at start-up that it keeps nothing past the machine's
    /// life and that its spill file frees no memory there.
    func testADataDirectoryInMemoryIsWarnedAbout() async throws {
        #if os(Linux)
            let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
            guard mounts.split(separator: "\n").contains(where: { $0.hasPrefix("tmpfs /dev/shm ") }) else {
                throw XCTSkip("/dev/shm is not a tmpfs here")
            }
            let runDirectory = "/dev/shm/tokenboard-test-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: runDirectory) }
            try await TestCluster.run(workerIDs: ["w1"], configure: { $0.runDirectory = runDirectory }) { cluster in
                let log = cluster.workerLog("w1")
                XCTAssertTrue(log.contains("the data directory is on tmpfs, in memory"), log)
                XCTAssertTrue(log.contains("directory=\(runDirectory)/data/w1"), log)
                let status = try cluster.cli(["status", "--json"])
                XCTAssertEqual(status.status, 0, status.stderr)
            }
        #else
            throw XCTSkip("tmpfs is Linux's")
        #endif
    }
}
