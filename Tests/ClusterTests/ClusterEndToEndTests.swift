import Foundation
import XCTest

/// Real coordinator and worker processes on loopback, fed by the real replayer, checked against a ledger
/// computed independently from the same log.
final class ClusterEndToEndTests: XCTestCase {
    func testReplayedLogMatchesIndependentLedgerAndMissingShardIsReported() async throws {
        // Two apply threads whatever the machine: the replayer's batches are large enough to be split.
        try await TestCluster.run(workerArguments: ["--apply-threads", "2"]) { cluster in
            try await checkReplay(on: cluster)
        }
    }

    /// A worker applies on 1 or 2 threads; anything else is refused before it starts, saying so.
    func testAWorkerRefusesAnApplyThreadsSettingItDoesNotHave() throws {
        for setting in ["0", "3"] {
            let bad = try CommandResult.run(
                try TestCluster.locateBinary(),
                [
                    "worker", "--config", TestCluster.repositoryRoot + "/cluster/local.json", "--id", "w1",
                    "--apply-threads", setting,
                ]
            )
            XCTAssertNotEqual(bad.status, 0, setting)
            XCTAssertTrue(bad.stderr.contains("--apply-threads must be 1 or 2"), bad.stderr)
        }
    }

    private func checkReplay(on cluster: TestCluster) async throws {
        let log = try cluster.generateLog(
            "month",
            employees: 20000,
            events: 200_000,
            totalTokens: 2_000_000_000_000,
            topTokens: 9_000_000_000,
            seed: 7
        )

        let replay = try cluster.cli(["replay", log])
        XCTAssertEqual(replay.status, 0, replay.stderr)

        let ledger = try ReferenceLedger(
            logPath: log,
            pricesPath: TestCluster.prices,
            windowDays: 30
        )
        XCTAssertEqual(ledger.events, 200_000)
        XCTAssertEqual(ledger.employees.count, 20_000)

        // The board: every rank, employee, token count and cost to the nano-dollar.
        let top = try cluster.cli(["top", "-k", "250", "--json"])
        XCTAssertEqual(top.status, 0, top.stderr)
        let board = try top.json()
        let entries = board["entries"] as! [[String: Any]]
        let expected = ledger.top(250)
        XCTAssertEqual(entries.count, 250)
        XCTAssertEqual(ledger.differences(from: entries), [])
        let shards = board["shards"] as! [String: Any]
        XCTAssertEqual(shards["answered"] as? Int, 4)
        XCTAssertEqual(shards["partial"] as? Bool, false)
        let company = board["company"] as! [String: Any]
        XCTAssertEqual(
            (company["tokens"] as? NSNumber)?.uint64Value,
            ledger.employees.values.reduce(0) { $0 + $1.tokens }
        )
        XCTAssertEqual(
            (company["cost_nanos"] as? NSNumber)?.uint64Value,
            ledger.employees.values.reduce(0) { $0 + $1.costNanos }
        )
        XCTAssertEqual((board["active_employees"] as? NSNumber)?.intValue, 20_000)

        // Spend by model equals the log's sums, model by model.
        let spend = try cluster.cli(["spend", "--by", "model", "--json"])
        XCTAssertEqual(spend.status, 0, spend.stderr)
        let rows = try spend.json()["rows"] as! [[String: Any]]
        XCTAssertEqual(Set(rows.map { $0["label"] as! String }), Set(ledger.models.keys))
        for row in rows {
            let model = row["label"] as! String
            let usage = row["usage"] as! [String: Any]
            XCTAssertEqual((usage["tokens"] as? NSNumber)?.uint64Value, ledger.models[model]?.tokens, model)
            XCTAssertEqual((usage["cost_nanos"] as? NSNumber)?.uint64Value, ledger.models[model]?.costNanos, model)
        }

        // One employee: exact totals and global rank.
        let third = expected[2]
        let employee = try cluster.cli(["employee", third.employee, "--json"])
        XCTAssertEqual(employee.status, 0, employee.stderr)
        let person = try employee.json()
        XCTAssertEqual((person["rank"] as? NSNumber)?.intValue, 3)
        XCTAssertEqual(((person["usage"] as? [String: Any])?["tokens"] as? NSNumber)?.uint64Value, third.totals.tokens)

        // A worker dies: the answer must name it, or say it is partial when the caller accepts that.
        await cluster.kill(worker: "w3")
        let failed = try cluster.cli(["top", "-k", "250", "--json"])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("w3"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("3/4 shards answered"), failed.stderr)

        let partial = try cluster.cli(["top", "-k", "250", "--allow-partial"])
        XCTAssertEqual(partial.status, 0, partial.stderr)
        XCTAssertTrue(partial.stdout.contains("partial: 3/4 shards (missing w3)"), partial.stdout)

        let partialJSON = try cluster.cli(["top", "-k", "250", "--allow-partial", "--json"])
        let partialBoard = try partialJSON.json()
        let partialShards = partialBoard["shards"] as! [String: Any]
        XCTAssertEqual(partialShards["partial"] as? Bool, true)
        XCTAssertEqual(partialShards["missing"] as? [String], ["w3"])
        // What the surviving shards report is still exact for every employee they list.
        for entry in partialBoard["entries"] as! [[String: Any]] {
            let name = entry["employee"] as! String
            let usage = entry["usage"] as! [String: Any]
            XCTAssertEqual((usage["tokens"] as? NSNumber)?.uint64Value, ledger.employees[name]?.tokens, name)
        }
    }

    /// Before any event, every answer is empty but says which shards were asked; a worker that does not answer may
    /// hold all the data there is, so the answer fails naming it, or says it is partial.
    func testAnEmptyClusterAnswersForEveryShardAndNamesAMissingOne() async throws {
        try await TestCluster.run(workerIDs: ["w1", "w2"]) { cluster in
            for command in [["top"], ["spend"], ["tiers"], ["titles"]] {
                let empty = try cluster.cli(command + ["--json"])
                XCTAssertEqual(empty.status, 0, "\(command): \(empty.stderr)")
                let shards = try empty.json()["shards"] as! [String: Any]
                XCTAssertEqual(shards["answered"] as? Int, 2, "\(command)")
                XCTAssertEqual(shards["partial"] as? Bool, false, "\(command)")
            }
            let top = try cluster.cli(["top"])
            XCTAssertTrue(top.stdout.contains("(no data yet) — 2/2 shards"), top.stdout)

            await cluster.kill(worker: "w2")
            for command in [["top"], ["spend"], ["tiers"], ["titles"]] {
                let failed = try cluster.cli(command + ["--json"])
                XCTAssertNotEqual(failed.status, 0, "\(command)")
                XCTAssertTrue(failed.stderr.contains("w2"), "\(command): \(failed.stderr)")
                XCTAssertTrue(failed.stderr.contains("1/2 shards answered"), "\(command): \(failed.stderr)")
            }
            let partial = try cluster.cli(["top", "--allow-partial", "--json"])
            XCTAssertEqual(partial.status, 0, partial.stderr)
            let shards = try partial.json()["shards"] as! [String: Any]
            XCTAssertEqual(shards["partial"] as? Bool, true)
            XCTAssertEqual(shards["missing"] as? [String], ["w2"])
        }
    }
}
