import Foundation
import Synchronization
import TokenBoardClient
import TokenBoardCore
import XCTest

/// The coordinator's HTTP gateway, through Debian's curl over h2c (prior knowledge) and HTTP/1.1, against a real
/// cluster: the JSON equals what the protocol-v1 CLI prints, byte for byte, and posted events count exactly once.
final class HTTPGatewayTests: XCTestCase {
    private func url(_ cluster: TestCluster, _ path: String) throws -> String {
        let endpoint = try XCTUnwrap(cluster.httpEndpoint, "the coordinator announced no HTTP port")
        return "http://\(endpoint)\(path)"
    }

    func testQueriesEqualTheCLIOverBothProtocols() async throws {
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "month",
                employees: 3000,
                events: 30000,
                totalTokens: 300_000_000_000,
                topTokens: 4_000_000_000,
                seed: 11
            )
            let replay = try cluster.cli(["replay", log])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let curl = Curl(directory: cluster.directory)
            let third = try cluster.cli(["top", "-k", "3", "--json"]).json()["entries"] as! [[String: Any]]
            let name = third[2]["employee"] as! String
            let cases: [(cli: [String], path: String)] = [
                (["top", "-k", "250", "--json"], "/v1/top?k=250"),
                (["top", "-k", "40", "--window", "7d", "--by", "cost", "--json"], "/v1/top?k=40&window=7d&by=cost"),
                (
                    ["top", "-k", "10", "--window", "all", "--by", "output", "--json"],
                    "/v1/top?k=10&window=all&by=output"
                ),
                (["top", "-k", "5", "--as-of", "2026-10-15", "--json"], "/v1/top?k=5&as_of=2026-10-15"),
                (["spend", "--json"], "/v1/spend"),
                (["spend", "--by", "provider", "--window", "1d", "--json"], "/v1/spend?by=provider&window=1d"),
                (["employee", name, "--json"], "/v1/employees/\(name)"),
                (
                    ["employee", name, "--by", "cost", "--window", "7d", "--json"],
                    "/v1/employees/\(name)?by=cost&window=7d"
                ),
                (["employee", "nobody", "--json"], "/v1/employees/nobody"),
                (["top", "-k", "20", "--adjusted", "--json"], "/v1/top?k=20&adjusted=true"),
                (["tiers", "--json"], "/v1/tiers"),
                (["titles", "--window", "all", "--json"], "/v1/titles?window=all"),
                (["top", "--by-team", "-k", "10", "--json"], "/v1/teams?k=10"),
                (["budgets", "--json"], "/v1/budgets"),
            ]
            for (arguments, path) in cases {
                let cli = try cluster.cli(arguments)
                XCTAssertEqual(cli.status, 0, cli.stderr)
                for transport in Curl.Transport.allCases {
                    let reply = try curl.request(try url(cluster, path), over: transport)
                    XCTAssertEqual(reply.status, 200, "\(path) \(transport): \(reply.body)")
                    XCTAssertEqual(reply.version, transport == .h2c ? "2" : "1.1", path)
                    XCTAssertEqual(reply.body, cli.stdout, "\(path) over \(transport)")
                }
            }
            let board = try curl.request(try url(cluster, "/v1/top?k=250"), over: .h2c).json()
            XCTAssertEqual((board["entries"] as? [Any])?.count, 250)

            // Status: the same document except how long ago each worker was last heard from.
            func stable(_ text: String) throws -> NSDictionary {
                var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
                object["workers"] = (object["workers"] as! [[String: Any]]).map {
                    // Ages move between the two requests, and a periodic snapshot may land between them.
                    $0.filter {
                        !["last_seen_ms_ago", "snapshot_age_s", "last_snapshot_ms", "log_bytes"].contains($0.key)
                    }
                }
                return object as NSDictionary
            }
            let cliStatus = try cluster.cli(["status", "--json"])
            for transport in Curl.Transport.allCases {
                let reply = try curl.request(try url(cluster, "/v1/status"), over: transport)
                XCTAssertEqual(reply.status, 200)
                XCTAssertEqual(try stable(reply.body), try stable(cliStatus.stdout))
            }
        }
    }

    func testPostedEventsCountExactlyOnceAndAKeyedRetryChangesNothing() async throws {
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "posted",
                employees: 2000,
                events: 20000,
                totalTokens: 100_000_000_000,
                topTokens: 2_000_000_000,
                seed: 5
            )
            let curl = Curl(directory: cluster.directory)
            let events = try url(cluster, "/v1/events")
            let first = try curl.request(
                events,
                over: .h2c,
                method: "POST",
                headers: ["Idempotency-Key: month-2026-10"],
                bodyFile: log
            )
            XCTAssertEqual(first.status, 200, first.body)
            let report = try first.json()
            XCTAssertEqual(report["events"] as? Int, 20000)
            XCTAssertEqual(report["duplicate_events"] as? Int, 0)
            XCTAssertEqual(report["idempotency_key"] as? String, "month-2026-10")

            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
            let board = try curl.request(try url(cluster, "/v1/top?k=250"), over: .h2c)
            let entries = try board.json()["entries"] as! [[String: Any]]
            XCTAssertEqual(entries.count, 250)
            XCTAssertEqual(ledger.differences(from: entries), [])
            let company = try board.json()["company"] as! [String: Any]
            XCTAssertEqual(
                (company["tokens"] as? NSNumber)?.uint64Value,
                ledger.employees.values.reduce(0) { $0 + $1.tokens }
            )
            XCTAssertEqual(
                (company["cost_nanos"] as? NSNumber)?.uint64Value,
                ledger.employees.values.reduce(0) { $0 + $1.costNanos }
            )

            // The same request again, over HTTP/1.1 this time: every event is a duplicate, nothing changes.
            let retry = try curl.request(
                events,
                over: .http1,
                method: "POST",
                headers: ["Idempotency-Key: month-2026-10"],
                bodyFile: log
            )
            XCTAssertEqual(retry.status, 200, retry.body)
            XCTAssertEqual(try retry.json()["events"] as? Int, 20000)
            XCTAssertEqual(try retry.json()["duplicate_events"] as? Int, 20000)
            let after = try curl.request(try url(cluster, "/v1/top?k=250"), over: .h2c)
            XCTAssertEqual(after.body, board.body)

            // Without a key the events are new ones: one more line adds exactly its tokens.
            let extra = cluster.directory + "/extra.jsonl"
            try Data(
                "{\"ts\":\"2026-10-30T12:00:00Z\",\"employee\":\"newcomer\",\"model\":\"gpt-5\",\"input\":1000,\"output\":234}\n"
                    .utf8
            ).write(to: URL(fileURLWithPath: extra))
            let single = try curl.request(events, over: .http1, method: "POST", bodyFile: extra)
            XCTAssertEqual(single.status, 200, single.body)
            XCTAssertEqual(try single.json()["duplicate_events"] as? Int, 0)
            let newcomer = try curl.request(try url(cluster, "/v1/employees/newcomer"), over: .h2c).json()
            let usage = newcomer["usage"] as! [String: Any]
            XCTAssertEqual(usage["tokens"] as? Int, 1234)
            XCTAssertEqual(usage["output"] as? Int, 234)
        }
    }

    func testManySmallPostsShareOneConnectionPerWorkerAndAKeyedRetryAfterARestartAppliesOnce() async throws {
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "small-posts",
                employees: 200,
                events: 2000,
                totalTokens: 1_000_000_000,
                topTokens: 20_000_000,
                seed: 11
            )
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 2000)
            let curl = Curl(directory: cluster.directory)
            let events = try url(cluster, "/v1/events")
            // 200 bodies of 10 events, every other one keyed.
            var bodies: [(path: String, key: String?)] = []
            for index in 0..<200 {
                let path = cluster.directory + "/small-\(index).jsonl"
                try Data(lines[index * 10..<index * 10 + 10].joined(separator: "\n").utf8)
                    .write(to: URL(fileURLWithPath: path))
                bodies.append((path, index.isMultiple(of: 2) ? "small-\(index)" : nil))
            }
            @Sendable func post(_ body: (path: String, key: String?)) throws -> Curl.Reply {
                try curl.request(
                    events,
                    over: .h2c,
                    method: "POST",
                    headers: body.key.map { ["Idempotency-Key: \($0)"] } ?? [],
                    bodyFile: body.path
                )
            }
            let all = bodies
            for body in all[..<100] {
                let reply = try post(body)
                XCTAssertEqual(reply.status, 200, reply.body)
                XCTAssertEqual(try reply.json()["events"] as? Int, 10)
            }
            // The other half from concurrent posters, sharing the same worker connections.
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 100) { offset in
                do {
                    let reply = try post(all[100 + offset])
                    let count = try reply.json()["events"] as? Int
                    if reply.status != 200 || count != 10 {
                        failures.withLock { $0.append("body \(100 + offset): \(reply.status) \(reply.body)") }
                    }
                } catch {
                    failures.withLock { $0.append("body \(100 + offset): \(error)") }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, [])

            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
            try assertBoard(cluster, curl, equals: ledger)
            // One connection per worker for all 200 requests: none was opened per request.
            XCTAssertEqual(try workerConnects(cluster, curl), ["w1": 1, "w2": 1, "w3": 1, "w4": 1])

            // w2 dies between posts: a keyed request fails (503).
            let extra = cluster.directory + "/extra.jsonl"
            // Stamped like the log's first event, so the window the board and the ledger sum over stays the same.
            let firstTimestamp = try XCTUnwrap(
                lines[0].split(separator: "\"").drop { $0 != "ts" }.dropFirst(2).first.map(String.init)
            )
            var extraLines: [String] = []
            for index in 0..<40 {
                extraLines.append(
                    "{\"ts\":\"\(firstTimestamp)\",\"employee\":\"late-\(index)\",\"model\":\"gpt-5\",\"input\":\(1000 + index),\"output\":7}"
                )
            }
            try Data((extraLines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: extra))
            await cluster.kill(worker: "w2")
            let failed = try post((extra, "late-batch"))
            XCTAssertEqual(failed.status, 503, failed.body)
            XCTAssertEqual((try failed.json()["error"] as? [String: Any])?["code"] as? String, "shards-unavailable")

            // Back again (on a new port): the retry reconnects to it and succeeds; once more, all are duplicates.
            try await cluster.restart(worker: "w2")
            let retry = try post((extra, "late-batch"))
            XCTAssertEqual(retry.status, 200, retry.body)
            XCTAssertEqual(try retry.json()["events"] as? Int, 40)
            // The failed request had every live worker apply its part before answering: those come back as
            // duplicates, exactly; the board below shows every event counted once.
            let map = try await shardMap(cluster)
            let lateOnLiveWorkers = try extraLines.filter { try map.owner(of: employee(in: Substring($0))) != "w2" }
            XCTAssertLessThan(lateOnLiveWorkers.count, 40, "w2 owns some of the 40 employees")
            XCTAssertEqual(try retry.json()["duplicate_events"] as? Int, lateOnLiveWorkers.count)
            let again = try post((extra, "late-batch"))
            XCTAssertEqual(try again.json()["duplicate_events"] as? Int, 40)

            let combined = cluster.directory + "/combined.jsonl"
            try Data((lines.joined(separator: "\n") + "\n" + extraLines.joined(separator: "\n") + "\n").utf8)
                .write(to: URL(fileURLWithPath: combined))
            try assertBoard(
                cluster,
                curl,
                equals: try ReferenceLedger(logPath: combined, pricesPath: TestCluster.prices, windowDays: 30)
            )
            // Only the dead connection to w2 was replaced.
            XCTAssertEqual(try workerConnects(cluster, curl), ["w1": 1, "w2": 2, "w3": 1, "w4": 1])
        }
    }

    /// A keyed request that a worker being down refused after the live workers had applied their part: once the
    /// worker is back, the same body and key apply exactly the missing part, and the live workers acknowledge
    /// theirs as duplicates.
    func testAKeyedRetryAfterAWorkerCameBackCountsEveryEventOnce() async throws {
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "retried",
                employees: 400,
                events: 20000,
                totalTokens: 10_000_000_000,
                topTokens: 200_000_000,
                seed: 23
            )
            let map = try await shardMap(cluster)
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 20000)
            let live = try lines.filter { try map.owner(of: employee(in: $0)) != "w2" }
            let onW2 = lines.count - live.count
            XCTAssertGreaterThan(onW2, 0, "w2 owns some of the 400 employees")
            XCTAssertGreaterThan(live.count, 0)
            let curl = Curl(directory: cluster.directory)
            let events = try url(cluster, "/v1/events")
            let key = ["Idempotency-Key: retried-2026-10"]

            await cluster.kill(worker: "w2")
            let failed = try curl.request(events, over: .h2c, method: "POST", headers: key, bodyFile: log)
            XCTAssertEqual(failed.status, 503, failed.body)
            let error = try XCTUnwrap(try failed.json()["error"] as? [String: Any])
            XCTAssertEqual(error["code"] as? String, "shards-unavailable")
            let message = try XCTUnwrap(error["message"] as? String)
            XCTAssertTrue(message.hasPrefix("worker w2 is unavailable: "), message)
            XCTAssertTrue(message.contains("; \(onW2) events for w2 were not sent; "), message)
            XCTAssertTrue(
                message.contains("every event for the other workers (\(live.count)) was acknowledged"),
                message
            )
            XCTAssertTrue(
                message.hasSuffix(
                    "retry with the same Idempotency-Key and body: events already applied are acknowledged as duplicates"
                ),
                message
            )

            // By the time of the 503 the live workers had applied their part, exactly: their board equals a ledger
            // of their events alone.
            let livePath = cluster.directory + "/live.jsonl"
            try Data((live.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: livePath))
            let liveLedger = try ReferenceLedger(logPath: livePath, pricesPath: TestCluster.prices, windowDays: 30)
            let partial = try curl.request(
                try url(cluster, "/v1/top?k=\(liveLedger.employees.count + 1)&allow_partial=true"),
                over: .h2c
            )
            XCTAssertEqual(partial.status, 200, partial.body)
            XCTAssertEqual((try partial.json()["shards"] as? [String: Any])?["missing"] as? [String], ["w2"])
            let partialEntries = try XCTUnwrap(try partial.json()["entries"] as? [[String: Any]])
            XCTAssertEqual(liveLedger.differences(from: partialEntries), [])

            // Back (same data directory, a new port): the retry applies w2's part, the rest are duplicates.
            try await cluster.restart(worker: "w2")
            let retry = try curl.request(events, over: .http1, method: "POST", headers: key, bodyFile: log)
            XCTAssertEqual(retry.status, 200, retry.body)
            XCTAssertEqual(try retry.json()["events"] as? Int, 20000)
            XCTAssertEqual(try retry.json()["duplicate_events"] as? Int, live.count)
            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
            XCTAssertEqual(ledger.events, 20000)
            try assertBoard(cluster, curl, equals: ledger)

            // Once more: every event is a duplicate and nothing changes.
            let again = try curl.request(events, over: .h2c, method: "POST", headers: key, bodyFile: log)
            XCTAssertEqual(again.status, 200, again.body)
            XCTAssertEqual(try again.json()["duplicate_events"] as? Int, 20000)
            try assertBoard(cluster, curl, equals: ledger)
        }
    }

    /// The cluster's shard map, as the coordinator hands it out.
    private func shardMap(_ cluster: TestCluster) async throws -> ShardMap {
        let client = try await ClusterClient.connect(to: cluster.coordinatorEndpoint)
        do {
            let map = try await client.shardMap().map
            await client.close()
            return map
        } catch {
            await client.close()
            throw error
        }
    }

    /// The `employee` of one canonical JSONL line.
    private func employee(in line: Substring) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return try XCTUnwrap(object?["employee"] as? String, String(line))
    }

    /// A canonical line for an employee (named `prefix-N`, the first such name) that `worker` owns.
    private func canonicalLine(ownedBy worker: String, in map: ShardMap, prefix: String, input: Int) -> String {
        let name = (0...).lazy.map { "\(prefix)-\($0)" }.first { map.owner(of: $0) == worker }!
        return "{\"ts\":\"2026-10-01T00:00:00Z\",\"employee\":\"\(name)\",\"model\":\"m\",\"input\":\(input)}\n"
    }

    /// Checks the board and the company totals against `ledger`, exactly.
    private func assertBoard(
        _ cluster: TestCluster,
        _ curl: Curl,
        equals ledger: ReferenceLedger,
        line: UInt = #line
    ) throws {
        let board = try curl.request(try url(cluster, "/v1/top?k=\(ledger.employees.count + 1)"), over: .h2c).json()
        let entries = try XCTUnwrap(board["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.count, ledger.employees.count, line: line)
        XCTAssertEqual(ledger.differences(from: entries), [], line: line)
        let company = try XCTUnwrap(board["company"] as? [String: Any])
        XCTAssertEqual(
            (company["tokens"] as? NSNumber)?.uint64Value,
            ledger.employees.values.reduce(0) { $0 + $1.tokens },
            line: line
        )
        XCTAssertEqual(
            (company["cost_nanos"] as? NSNumber)?.uint64Value,
            ledger.employees.values.reduce(0) { $0 + $1.costNanos },
            line: line
        )
    }

    /// `tokenboard_gateway_worker_connects_total` per worker, from the coordinator's `/metrics`.
    private func workerConnects(_ cluster: TestCluster, _ curl: Curl) throws -> [String: Int] {
        let text = try curl.request(try url(cluster, "/metrics"), over: .h2c).body
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("tokenboard_gateway_worker_connects_total{") {
            guard let open = line.firstIndex(of: "\""),
                let close = line[line.index(after: open)...].firstIndex(of: "\""),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            counts[String(line[line.index(after: open)..<close])] = Int(value)
        }
        return counts
    }

    func testErrorsHaveTheirDocumentedBodies() async throws {
        try await TestCluster.run(http: true) { cluster in
            let curl = Curl(directory: cluster.directory)
            let events = try url(cluster, "/v1/events")

            // A bad line: 400, naming the line; nothing is applied.
            let bad = cluster.directory + "/bad.jsonl"
            try Data(
                ("{\"ts\":\"2026-10-01T00:00:00Z\",\"employee\":\"a\",\"model\":\"m\",\"input\":5}\n\n"
                    + "{\"ts\":\"2026-10-01T00:00:00Z\",\"employee\":\"b\",\"model\":\"m\",\"input\":-1}\n").utf8
            ).write(to: URL(fileURLWithPath: bad))
            for transport in Curl.Transport.allCases {
                let reply = try curl.request(events, over: transport, method: "POST", bodyFile: bad)
                XCTAssertEqual(reply.status, 400)
                XCTAssertEqual(
                    reply.body,
                    """
                    {
                      "error" : {
                        "code" : "bad-line",
                        "line" : 3,
                        "message" : "line 3: input is negative",
                        "status" : 400
                      }
                    }

                    """
                )
            }
            let nothing = try curl.request(try url(cluster, "/v1/employees/a"), over: .h2c).json()
            XCTAssertEqual(nothing["found"] as? Bool, false)

            // Over the body limit (8 MiB): 413 with the same JSON shape, on both protocols.
            let huge = cluster.directory + "/huge.jsonl"
            let line = "{\"ts\":\"2026-10-01T00:00:00Z\",\"employee\":\"a\",\"model\":\"m\",\"input\":5}\n"
            try Data(String(repeating: line, count: (8 << 20) / line.utf8.count + 1).utf8)
                .write(to: URL(fileURLWithPath: huge))
            for transport in Curl.Transport.allCases {
                let reply = try curl.request(events, over: transport, method: "POST", bodyFile: huge)
                XCTAssertEqual(reply.status, 413, "\(transport)")
                let error = try reply.json()["error"] as! [String: Any]
                XCTAssertEqual(error["code"] as? String, "too-large")
                XCTAssertEqual(error["message"] as? String, "request body exceeds 8388608 bytes")
            }

            let unknown = try curl.request(try url(cluster, "/v1/top?k=5&windw=7d"), over: .h2c)
            XCTAssertEqual(unknown.status, 400)
            XCTAssertEqual(
                (try unknown.json()["error"] as? [String: Any])?["message"] as? String,
                "unknown query parameter 'windw' (accepted: adjusted, allow_partial, as_of, by, k, window)"
            )
            XCTAssertEqual(try curl.request(try url(cluster, "/v1/top?window=9x"), over: .h2c).status, 400)
            XCTAssertEqual(try curl.request(try url(cluster, "/v1/top?k=100001"), over: .h2c).status, 400)
            XCTAssertEqual(try curl.request(try url(cluster, "/v2/top"), over: .http1).status, 404)
            XCTAssertEqual(try curl.request(events, over: .h2c).status, 405)

            // A shard down: 503 naming it, unless a partial answer is accepted.
            let good = cluster.directory + "/good.jsonl"
            try Data(line.utf8).write(to: URL(fileURLWithPath: good))
            let accepted = try curl.request(events, over: .h2c, method: "POST", bodyFile: good)
            XCTAssertEqual(accepted.status, 200, accepted.body)
            await cluster.kill(worker: "w3")
            for transport in Curl.Transport.allCases {
                let down = try curl.request(try url(cluster, "/v1/top?k=10"), over: transport)
                XCTAssertEqual(down.status, 503, down.body)
                let error = try XCTUnwrap(try down.json()["error"] as? [String: Any])
                XCTAssertEqual(error["code"] as? String, "shards-unavailable")
                XCTAssertTrue((error["message"] as! String).contains("w3"), "\(error)")
                XCTAssertTrue((error["message"] as! String).contains("allow_partial=true"), "\(error)")
            }
            let partial = try curl.request(try url(cluster, "/v1/top?k=10&allow_partial=true"), over: .h2c)
            XCTAssertEqual(partial.status, 200)
            XCTAssertEqual((try partial.json()["shards"] as? [String: Any])?["missing"] as? [String], ["w3"])
            let post = try curl.request(events, over: .h2c, method: "POST", bodyFile: bad)
            XCTAssertEqual(post.status, 400, "a bad body is refused before any shard is asked")
            // A body with an event for w3 is refused naming it; one whose events all live elsewhere goes through.
            let map = try await shardMap(cluster)
            let forW3 = cluster.directory + "/for-w3.jsonl"
            try Data(canonicalLine(ownedBy: "w3", in: map, prefix: "down", input: 5).utf8).write(
                to: URL(fileURLWithPath: forW3)
            )
            let refused = try curl.request(events, over: .h2c, method: "POST", bodyFile: forW3)
            XCTAssertEqual(refused.status, 503, refused.body)
            let refusal = try XCTUnwrap(try refused.json()["error"] as? [String: Any])
            XCTAssertEqual(refusal["code"] as? String, "shards-unavailable")
            XCTAssertTrue((refusal["message"] as! String).hasPrefix("worker w3 is unavailable: "), "\(refusal)")
            XCTAssertTrue(
                (refusal["message"] as! String).contains(
                    "; 1 event for w3 was not sent; every event for the other workers (0) was acknowledged; the request had no Idempotency-Key"
                ),
                "\(refusal)"
            )
            let elsewhere = cluster.directory + "/elsewhere.jsonl"
            let liveLines = ["w1", "w2", "w4"].map { canonicalLine(ownedBy: $0, in: map, prefix: "up", input: 7) }
            try Data(liveLines.joined().utf8).write(to: URL(fileURLWithPath: elsewhere))
            let taken = try curl.request(events, over: .h2c, method: "POST", bodyFile: elsewhere)
            XCTAssertEqual(taken.status, 200, taken.body)
            XCTAssertEqual(try taken.json()["events"] as? Int, 3)
            XCTAssertEqual(try taken.json()["duplicate_events"] as? Int, 0)
            for line in liveLines {
                let name = try employee(in: Substring(line.dropLast()))
                let person = try curl.request(try url(cluster, "/v1/employees/\(name)?allow_partial=true"), over: .h2c)
                    .json()
                XCTAssertEqual((person["usage"] as? [String: Any])?["input"] as? Int, 7, "\(name): \(person)")
            }
        }
    }

    func testMalformedHTTP2EndsOnlyThatConnection() async throws {
        try await TestCluster.run(workerIDs: ["w1"], http: true) { cluster in
            let endpoint = try XCTUnwrap(cluster.httpEndpoint)
            let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
            let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
            // A SETTINGS frame of 5 bytes: not a multiple of 6, a connection error (FRAME_SIZE_ERROR).
            let bad: [UInt8] = [0, 0, 5, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]
            let (received, closed) = try await RawExchange.send(
                preface + settings + bad,
                to: endpoint,
                closeAfterSending: false
            )
            XCTAssertTrue(closed, "the server closes the connection")
            var frames: [(type: UInt8, payload: ArraySlice<UInt8>)] = []
            var offset = 0
            while received.count - offset >= 9 {
                let length = Int(received[offset]) << 16 | Int(received[offset + 1]) << 8 | Int(received[offset + 2])
                guard received.count - offset >= 9 + length else { break }
                frames.append((received[offset + 3], received[offset + 9..<offset + 9 + length]))
                offset += 9 + length
            }
            let goAway = try XCTUnwrap(frames.first { $0.type == 7 }, "no GOAWAY in \(frames.map(\.type))")
            XCTAssertEqual(Array(goAway.payload.dropFirst(4).prefix(4)), [0, 0, 0, 6], "FRAME_SIZE_ERROR")

            // The node goes on serving everyone else.
            let status = try Curl(directory: cluster.directory).request("http://\(endpoint)/v1/status", over: .h2c)
            XCTAssertEqual(status.status, 200)
        }
    }

    func testLimitsTokensAndFutureDatesAreEnforced() async throws {
        // 69 bytes a line: 20 lines (1,380 bytes) fit under a 2,048-byte body limit, 30 (2,070 bytes) do not.
        let line = "{\"ts\":\"2026-10-01T00:00:00Z\",\"employee\":\"ann\",\"model\":\"m\",\"input\":7}\n"
        XCTAssertEqual(line.utf8.count, 69)
        let tokens = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID())").path
        try Data("# the gateways' token\ngateway-token-0001-aaaa\n".utf8).write(to: URL(fileURLWithPath: tokens))
        defer { try? FileManager.default.removeItem(atPath: tokens) }
        let bearer = ["Authorization: Bearer gateway-token-0001-aaaa"]
        try await TestCluster.run(
            workerIDs: ["w1"],
            coordinatorArguments: ["--http-max-body", "2048", "--ingest-token-file", tokens],
            http: true
        ) { cluster in
            let curl = Curl(directory: cluster.directory)
            let events = try url(cluster, "/v1/events")
            let small = cluster.directory + "/small.jsonl"
            let large = cluster.directory + "/large.jsonl"
            try Data(String(repeating: line, count: 20).utf8).write(to: URL(fileURLWithPath: small))
            try Data(String(repeating: line, count: 30).utf8).write(to: URL(fileURLWithPath: large))
            for transport in Curl.Transport.allCases {
                let refused = try curl.request(
                    events,
                    over: transport,
                    method: "POST",
                    headers: bearer,
                    bodyFile: large
                )
                XCTAssertEqual(refused.status, 413, "\(transport)")
                let error = try refused.json()["error"] as! [String: Any]
                XCTAssertEqual(error["message"] as? String, "request body exceeds 2048 bytes")
            }
            // Without the token nothing is taken.
            let anonymous = try curl.request(events, over: .h2c, method: "POST", bodyFile: small)
            XCTAssertEqual(anonymous.status, 401, anonymous.body)
            XCTAssertEqual((try anonymous.json()["error"] as! [String: Any])["code"] as? String, "unauthorized")
            let accepted = try curl.request(events, over: .h2c, method: "POST", headers: bearer, bodyFile: small)
            XCTAssertEqual(accepted.status, 200, accepted.body)
            XCTAssertEqual(try accepted.json()["events"] as? Int, 20)
            let ann = try cluster.cli(["employee", "ann", "--json"]).json()["usage"] as! [String: Any]
            XCTAssertEqual(ann["input"] as? Int, 140)

            // An event dated decades ahead (a sender's clock gone wrong) is refused whole by the worker, which
            // keeps its default of one day's tolerance; the board's day stays 2026-10-01.
            let future = cluster.directory + "/future.jsonl"
            try Data((line + line.replacingOccurrences(of: "2026-10-01", with: "2099-01-01")).utf8)
                .write(to: URL(fileURLWithPath: future))
            let refused = try curl.request(events, over: .http1, method: "POST", headers: bearer, bodyFile: future)
            XCTAssertEqual(refused.status, 400, refused.body)
            let error = try refused.json()["error"] as! [String: Any]
            XCTAssertEqual(error["code"] as? String, "batch-rejected")
            XCTAssertTrue(
                (error["message"] as? String ?? "").contains("the event is dated 2099-01-01, more than 1 day after"),
                "\(error)"
            )
            let board = try cluster.cli(["top", "--json"]).json()
            XCTAssertEqual(board["anchor"] as? String, "2026-10-01")
            XCTAssertEqual((board["company"] as! [String: Any])["input"] as? Int, 140)
        }

        let bad = try CommandResult.run(
            try TestCluster.locateBinary(),
            ["coordinator", "--config", TestCluster.repositoryRoot + "/cluster/local.json", "--http-max-body", "10"]
        )
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(
            bad.stderr.contains("--http-max-body must be between 1024 and 1073741824 bytes"),
            bad.stderr
        )
    }
}
