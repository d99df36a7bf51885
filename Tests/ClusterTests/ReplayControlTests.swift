import Foundation
import XCTest

/// Replay control on a real cluster: pacing over several connections per worker, verification against the
/// generator's manifest (and a manifest with one employee's total changed), and the event and time limits.
final class ReplayControlTests: XCTestCase {
    func testPacedReplayOverSeveralConnectionsVerifiesAndAWrongManifestIsNamed() async throws {
        try await TestCluster.run { cluster in try await checkVerification(cluster) }
    }

    private func checkVerification(_ cluster: TestCluster) async throws {
        let log = try cluster.generateLog(
            "verified",
            employees: 2000,
            events: 20000,
            totalTokens: 200_000_000_000,
            topTokens: 2_000_000_000,
            seed: 5
        )
        let manifest = cluster.directory + "/verified.manifest.json"
        let replay = try cluster.cli([
            "replay", log, "--quiet", "--json", "--connections", "3", "--rate", "20k/s", "--verify", manifest,
            "--sample", "300",
        ])
        XCTAssertEqual(replay.status, 0, replay.stdout + replay.stderr)
        let summary = try replay.json()
        XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, 20000)
        XCTAssertEqual((summary["events_sent"] as? NSNumber)?.intValue, 20000)
        XCTAssertEqual(summary["stopped_by"] as? String, "end-of-input")
        XCTAssertEqual(summary["connections"] as? Int, 3)
        XCTAssertEqual(summary["pacing"] as? String, "20000/s")
        // The pacer lets event k go no earlier than k / 20,000 s, less the 50 ms burst after a stall (1,000
        // events): the last of 20,000 cannot go before (19,999 − 1,000) / 20,000 s.
        XCTAssertGreaterThanOrEqual((summary["seconds"] as? NSNumber)?.doubleValue ?? 0, 18_999.0 / 20_000)
        let latency = summary["ack_latency"] as! [String: Any]
        XCTAssertEqual((latency["count"] as? NSNumber)?.intValue, (summary["batches"] as? NSNumber)?.intValue)
        let p50 = (latency["p50_us"] as? NSNumber)?.uint64Value ?? 0
        let p99 = (latency["p99_us"] as? NSNumber)?.uint64Value ?? 0
        let max = (latency["max_us"] as? NSNumber)?.uint64Value ?? 0
        XCTAssertTrue(p50 > 0 && p50 <= p99 && p99 <= max, "\(latency)")
        let verification = summary["verification"] as! [String: Any]
        XCTAssertEqual(verification["ok"] as? Bool, true, "\(verification)")
        XCTAssertEqual(verification["board_places"] as? Int, 250)
        XCTAssertEqual(verification["employees_checked"] as? Int, 550)
        XCTAssertEqual(verification["sampled"] as? Int, 300)

        let verify = try cluster.cli(["verify", manifest])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.hasPrefix("verified against \(manifest): "), verify.stdout)

        // One board employee's input (and so total) off by one in the manifest: exactly those two figures
        // differ, both naming the employee.
        var edited =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest)))
            as! [String: Any]
        let name = (edited["top"] as! [[String: Any]])[5]["employee"] as! String
        var rows = edited["employees"] as! [[String: Any]]
        let index = rows.firstIndex { $0["employee"] as? String == name }!
        let input = (rows[index]["input"] as! NSNumber).uint64Value
        let tokens = (rows[index]["tokens"] as! NSNumber).uint64Value
        rows[index]["input"] = input + 1
        rows[index]["tokens"] = tokens + 1
        edited["employees"] = rows
        let wrong = cluster.directory + "/wrong.manifest.json"
        try JSONSerialization.data(withJSONObject: edited).write(to: URL(fileURLWithPath: wrong))

        let failed = try cluster.cli(["verify", wrong, "--json"])
        XCTAssertEqual(failed.status, 1, failed.stderr)
        let report = try failed.json()
        XCTAssertEqual(report["ok"] as? Bool, false)
        XCTAssertEqual(report["difference_count"] as? Int, 2)
        let differences = report["differences"] as! [[String: Any]]
        XCTAssertEqual(differences.map { $0["subject"] as? String }, ["employee \(name)", "employee \(name)"])
        XCTAssertEqual(differences.map { $0["field"] as? String }, ["input", "tokens"])
        XCTAssertEqual(differences.first?["expected"] as? String, String(input + 1))
        XCTAssertEqual(differences.first?["actual"] as? String, String(input))

        let text = try cluster.cli(["verify", wrong])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(
            text.stdout.contains("employee \(name): input is \(input) in the cluster, \(input + 1) in the manifest"),
            text.stdout
        )

        let missing = try cluster.cli(["verify", cluster.directory + "/no-such.manifest.json"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot read manifest"), missing.stderr)
    }

    func testLimitReplaysExactlyTheFirstEvents() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "limited",
                employees: 500,
                events: 5000,
                totalTokens: 50_000_000_000,
                topTokens: 1_000_000_000,
                seed: 9
            )
            let replay = try cluster.cli([
                "replay", log, "--quiet", "--json", "--limit", "1234", "--batch", "100", "--connections", "2",
            ])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let summary = try replay.json()
            XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, 1234)
            XCTAssertEqual((summary["events_sent"] as? NSNumber)?.intValue, 1234)
            XCTAssertEqual(summary["stopped_by"] as? String, "limit")
            try assertCluster(cluster, holdsTheFirst: 1234, eventsOf: log)
        }
    }

    /// Each connection numbers its batches under its own producer id, derived from --producer-id the same way
    /// every run: the same replay again is acknowledged as duplicates, connection by connection.
    func testReplayOverSeveralConnectionsIsIdempotentUnderTheSameProducerID() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "twice",
                employees: 500,
                events: 5000,
                totalTokens: 50_000_000_000,
                topTokens: 1_000_000_000,
                seed: 4
            )
            let arguments = [
                "replay", log, "--quiet", "--json", "--connections", "3", "--batch", "300", "--producer-id", "4242",
            ]
            let first = try cluster.cli(arguments)
            XCTAssertEqual(first.status, 0, first.stderr)
            XCTAssertEqual((try first.json()["duplicate_events"] as? NSNumber)?.intValue, 0)
            let second = try cluster.cli(arguments)
            XCTAssertEqual(second.status, 0, second.stderr)
            XCTAssertEqual((try second.json()["duplicate_events"] as? NSNumber)?.intValue, 5000)
            try assertCluster(cluster, holdsTheFirst: 5000, eventsOf: log)
        }
    }

    /// A replay that fails says which producer id resumes it; replaying the log again under that id once the
    /// worker is back leaves every event counted exactly once.
    func testAFailedReplayNamesTheProducerIDThatResumesIt() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "resume",
                employees: 500,
                events: 5000,
                totalTokens: 50_000_000_000,
                topTokens: 1_000_000_000,
                seed: 6
            )
            await cluster.kill(worker: "w2")
            let failed = try cluster.cli(["replay", log, "--quiet", "--batch", "300", "--retry-for", "0.2"])
            XCTAssertNotEqual(failed.status, 0)
            XCTAssertTrue(failed.stderr.contains("worker w2"), failed.stderr)
            let hint = try XCTUnwrap(
                failed.stderr.firstMatch(of: /with --producer-id ([0-9]+) --batch 300:/),
                failed.stderr
            )
            try await cluster.restart(worker: "w2")
            let resumed = try cluster.cli([
                "replay", log, "--quiet", "--json", "--batch", "300", "--producer-id", String(hint.1),
            ])
            XCTAssertEqual(resumed.status, 0, resumed.stderr)
            try assertCluster(cluster, holdsTheFirst: 5000, eventsOf: log)
            // A bad input is not the cluster's failure: running it again would not help, so no producer id.
            let missing = try cluster.cli(["replay", log + ".missing", "--quiet"])
            XCTAssertNotEqual(missing.status, 0)
            XCTAssertTrue(missing.stderr.contains(".missing"), missing.stderr)
            XCTAssertFalse(missing.stderr.contains("--producer-id"), missing.stderr)
        }
    }

    func testDurationStopsSendingAndEverythingSentIsAcknowledged() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "timed",
                employees: 500,
                events: 20000,
                totalTokens: 50_000_000_000,
                topTokens: 1_000_000_000,
                seed: 3
            )
            let replay = try cluster.cli([
                "replay", log, "--quiet", "--json", "--rate", "4000/s", "--duration", "1", "--linger", "20",
            ])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let summary = try replay.json()
            XCTAssertEqual(summary["stopped_by"] as? String, "duration")
            let sent = (summary["events_sent"] as? NSNumber)?.intValue ?? 0
            XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, sent)
            // At 4,000 events/s for one second: nowhere near the 20,000 of the log.
            XCTAssertGreaterThan(sent, 0)
            XCTAssertLessThan(sent, 20000)
            // Events are taken in log order and every batch started is sent, so the cluster holds exactly the
            // log's first `sent` events.
            try assertCluster(cluster, holdsTheFirst: sent, eventsOf: log)
        }
    }

    /// The cluster's company totals over all time equal the first `count` lines of the log, summed here with
    /// Foundation's JSON parser.
    private func assertCluster(
        _ cluster: TestCluster,
        holdsTheFirst count: Int,
        eventsOf log: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").prefix(count)
        XCTAssertEqual(lines.count, count, file: file, line: line)
        var tokens: UInt64 = 0
        var employees = Set<String>()
        for text in lines {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            for key in ["input", "output", "cache_write", "cache_read"] {
                tokens += (object[key] as? NSNumber)?.uint64Value ?? 0
            }
            employees.insert(object["employee"] as! String)
        }
        let top = try cluster.cli(["top", "-k", "1", "--window", "all", "--json"])
        XCTAssertEqual(top.status, 0, top.stderr, file: file, line: line)
        let board = try top.json()
        let company = board["company"] as! [String: Any]
        XCTAssertEqual((company["tokens"] as? NSNumber)?.uint64Value, tokens, file: file, line: line)
        XCTAssertEqual((board["active_employees"] as? NSNumber)?.intValue, employees.count, file: file, line: line)
    }
}
