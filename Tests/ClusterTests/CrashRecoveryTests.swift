import Foundation
import TokenBoardClient
import XCTest

/// A worker killed with SIGKILL comes back from its write-ahead log with every acknowledged event.
final class CrashRecoveryTests: XCTestCase {
    func testKilledWorkerRecoversEveryAcknowledgedEvent() async throws {
        try await TestCluster.run { cluster in try await check(cluster) }
    }

    private func check(_ cluster: TestCluster) async throws {
        let log = try cluster.generateLog(
            "month",
            employees: 5000,
            events: 60000,
            totalTokens: 500000000000,
            topTokens: 4000000000,
            seed: 11
        )
        let replay = try cluster.cli(["replay", log, "--quiet", "--batch", "2000"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)

        // Each worker reports the size of its write-ahead log, byte for byte what is on disk.
        let workers = try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]]
        for worker in workers {
            let id = worker["id"] as! String
            let size = try cluster.logBytesOnDisk(of: id)
            XCTAssertEqual((worker["log_bytes"] as? NSNumber)?.uint64Value, size, id)
            XCTAssertGreaterThan(size, 0, id)
        }

        // Killed twice: once after the replay, and again right after it has come back.
        for round in 1...2 {
            await cluster.kill(worker: "w2")
            try await cluster.restart(worker: "w2")
            let top = try cluster.cli(["top", "-k", "250", "--json"])
            XCTAssertEqual(top.status, 0, top.stderr)
            let board = try top.json()
            let entries = board["entries"] as! [[String: Any]]
            XCTAssertEqual(entries.count, 250, "round \(round)")
            XCTAssertEqual(ledger.differences(from: entries), [], "round \(round)")
            let company = board["company"] as! [String: Any]
            XCTAssertEqual(
                (company["tokens"] as? NSNumber)?.uint64Value,
                ledger.employees.values.reduce(0) { $0 + $1.tokens },
                "round \(round)"
            )
            XCTAssertEqual((board["active_employees"] as? NSNumber)?.intValue, 5000, "round \(round)")
        }
        XCTAssertTrue(cluster.workerLog("w2").contains("recovered"), cluster.workerLog("w2"))
    }

    /// The crash test: a replay of 500,000 events during which a worker is killed (and killed again
    /// while it recovers) still ends with every employee's totals exactly right, and replaying the same log
    /// again under the same producer id changes nothing.
    func testReplaySurvivesAWorkerKilledMidwayWithAnExactlyOnceResult() async throws {
        // Frequent snapshots, so the kills land between snapshots and recovery loads one and replays the log after it.
        try await TestCluster.run(workerArguments: ["--snapshot-interval", "0.2"]) { cluster in
            try await checkKillDuringReplay(cluster, sharded: false)
        }
    }

    /// The same from a log sharded for the cluster (`convert --shards`): the replayer resends ready ingest frames.
    func testShardedReplaySurvivesAWorkerKilledMidwayWithAnExactlyOnceResult() async throws {
        try await TestCluster.run(workerArguments: ["--snapshot-interval", "0.2"]) { cluster in
            try await checkKillDuringReplay(cluster, sharded: true)
        }
    }

    private func checkKillDuringReplay(_ cluster: TestCluster, sharded: Bool) async throws {
        let log = try cluster.generateLog(
            "big",
            employees: 5000,
            events: 500000,
            totalTokens: 900000000000,
            topTokens: 7000000000,
            seed: 23
        )
        var input = log
        if sharded {
            input = cluster.directory + "/big.sharded"
            let convert = try CommandResult.run(
                cluster.binary,
                ["convert", log, "-o", input, "--shards", cluster.topologyPath, "--batch", "1000", "--quiet"]
            )
            XCTAssertEqual(convert.status, 0, convert.stderr)
        }
        let replayArguments = [
            "replay", input, "--quiet", "--json", "--batch", "1000", "--inflight", "2", "--producer-id", "77",
            "--coordinator", cluster.coordinatorEndpoint.description,
        ]
        let replay = try BackgroundCommand(
            binary: cluster.binary,
            arguments: replayArguments,
            directory: cluster.directory,
            name: "replay"
        )
        // Kill w2 once it holds part of the log, then again while it is recovering.
        let client = try await ClusterClient.connect(to: cluster.coordinatorEndpoint)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(120))
        while clock.now < deadline {
            let events = try await client.status().workers.first { $0.id == "w2" }?.stats?.events ?? 0
            if events > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await client.close()
        XCTAssertTrue(replay.isRunning, "the replay must still be running when w2 dies")
        await cluster.kill(worker: "w2")
        try cluster.startWorker("w2")
        await cluster.kill(worker: "w2")
        try await cluster.restart(worker: "w2")

        let (status, output) = await replay.finish()
        XCTAssertEqual(status, 0, output)
        let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        XCTAssertEqual((summary?["events"] as? NSNumber)?.intValue, 500_000, output)
        XCTAssertGreaterThanOrEqual((summary?["reconnects"] as? NSNumber)?.intValue ?? 0, 1, output)
        XCTAssertEqual(summary?["sharded"] as? Bool, sharded, output)
        XCTAssertNil(summary?["repartitioned"] as? String, output)

        let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
        try checkEveryEmployee(cluster, ledger)

        // The same log, the same producer id: every batch is a duplicate and nothing changes.
        let again = try CommandResult.run(cluster.binary, replayArguments)
        XCTAssertEqual(again.status, 0, again.stderr)
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((second?["duplicate_events"] as? NSNumber)?.intValue, 500_000, again.stdout)
        try checkEveryEmployee(cluster, ledger)

        // The same log under another producer id: the batches are new, but every record carries an id the
        // workers still remember (each holds fewer ids than its window of 262,144), so again nothing changes.
        for worker in try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]] {
            XCTAssertLessThan((worker["events"] as? NSNumber)?.intValue ?? .max, 262_144, "\(worker)")
        }
        var otherProducer = replayArguments
        otherProducer[otherProducer.firstIndex(of: "77")!] = "78"
        let third = try CommandResult.run(cluster.binary, otherProducer)
        XCTAssertEqual(third.status, 0, third.stderr)
        try checkEveryEmployee(cluster, ledger)
        let stats = try cluster.cli(["status", "--json"]).json()["workers"] as! [[String: Any]]
        let dropped = stats.reduce(0) { $0 + ((($1["duplicate_events"] as? NSNumber)?.intValue) ?? 0) }
        XCTAssertEqual(dropped, 500_000, "every record of the third replay, and no other, was dropped by its id")
    }

    /// Every employee's tokens and cost, and the board's order, equal the ledger.
    private func checkEveryEmployee(_ cluster: TestCluster, _ ledger: ReferenceLedger) throws {
        let top = try cluster.cli(["top", "-k", "5000", "--json"])
        XCTAssertEqual(top.status, 0, top.stderr)
        let entries = try top.json()["entries"] as! [[String: Any]]
        XCTAssertEqual(entries.count, 5000)
        XCTAssertEqual(ledger.differences(from: entries), [], "employees whose totals or rank differ from the ledger")
    }
}
