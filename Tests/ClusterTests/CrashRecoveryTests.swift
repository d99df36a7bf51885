import Foundation
import XCTest

/// A worker killed with SIGKILL comes back from its write-ahead log with every acknowledged event.
final class CrashRecoveryTests: XCTestCase {
    func testKilledWorkerRecoversEveryAcknowledgedEvent() async throws {
        let cluster = try TestCluster()
        do {
            try await cluster.start()
            try await check(cluster)
        } catch {
            await cluster.stop()
            XCTFail("\(error)\n\(cluster.logs)")
            return
        }
        let statuses = await cluster.stop()
        XCTAssertEqual(statuses.values.filter { $0 != 0 }.count, 0, "\(statuses)")
        cluster.removeFiles()
    }

    private func check(_ cluster: TestCluster) async throws {
        let prices = TestCluster.repositoryRoot + "/cluster/prices.json"
        let log = cluster.directory + "/month.jsonl"
        let gen = try CommandResult.run(
            cluster.binary,
            [
                "gen", "--out", log, "--employees", "5000", "--events", "60000", "--total-tokens", "500000000000",
                "--top-tokens", "4000000000", "--seed", "11", "--prices", prices, "--quiet",
            ]
        )
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let replay = try cluster.cli(["replay", log, "--quiet", "--batch", "2000"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let ledger = try ReferenceLedger(logPath: log, pricesPath: prices, windowDays: 30)

        // Killed twice: once after the replay, and again right after it has come back.
        for round in 1...2 {
            await cluster.kill(worker: "w2")
            try await cluster.restart(worker: "w2")
            let top = try cluster.cli(["top", "-k", "250", "--json"])
            XCTAssertEqual(top.status, 0, top.stderr)
            let board = try top.json()
            let entries = board["entries"] as! [[String: Any]]
            let expected = ledger.top(250)
            XCTAssertEqual(entries.count, 250)
            for (entry, truth) in zip(entries, expected) {
                let usage = entry["usage"] as! [String: Any]
                XCTAssertEqual(entry["employee"] as? String, truth.employee, "round \(round)")
                XCTAssertEqual((usage["tokens"] as? NSNumber)?.uint64Value, truth.totals.tokens, "round \(round)")
                XCTAssertEqual(
                    (usage["cost_nanos"] as? NSNumber)?.uint64Value,
                    truth.totals.costNanos,
                    "round \(round)"
                )
            }
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
}
