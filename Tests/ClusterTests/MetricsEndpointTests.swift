import Foundation
import TokenBoardCore
import XCTest

/// `/metrics` on every node of a real cluster, scraped with curl and checked against what was sent.
final class MetricsEndpointTests: XCTestCase {
    /// Samples of a Prometheus text exposition, keyed by series as printed (`name{label="value"}`).
    private func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    private func scrape(_ curl: Curl, _ endpoint: Endpoint?, over transport: Curl.Transport = .h2c) throws
        -> [String: Double]
    {
        let endpoint = try XCTUnwrap(endpoint, "no HTTP port announced")
        let reply = try curl.request("http://\(endpoint)/metrics", over: transport)
        XCTAssertEqual(reply.status, 200)
        return samples(reply.body)
    }

    func testEveryNodeExportsWhatItDid() async throws {
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "metrics",
                employees: 1000,
                events: 10000,
                totalTokens: 10_000_000_000,
                topTokens: 200_000_000,
                seed: 3
            )
            let curl = Curl(directory: cluster.directory)
            var trimsBefore: [String: Double] = [:]
            for id in ["w1", "w2", "w3", "w4"] {
                trimsBefore[id] = try XCTUnwrap(
                    try scrape(curl, cluster.workerHTTPEndpoints[id])["tokenboard_pool_trims_total"],
                    id
                )
            }
            // Compressed, so that the compression gauges below have something to show.
            let replay = try cluster.cli(["replay", log, "--json", "--quiet", "--compression"])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let batches = try XCTUnwrap(try replay.json()["batches"] as? Int)
            XCTAssertEqual(try cluster.cli(["top", "-k", "10"]).status, 0)
            for transport in Curl.Transport.allCases {
                let board = try curl.request(
                    "http://\(try XCTUnwrap(cluster.httpEndpoint))/v1/top?k=10",
                    over: transport
                )
                XCTAssertEqual(board.status, 200)
            }

            var events = 0.0
            var applied = 0.0
            var employees: [String: Double] = [:]
            for id in ["w1", "w2", "w3", "w4"] {
                let worker = try scrape(curl, cluster.workerHTTPEndpoints[id], over: id == "w1" ? .http1 : .h2c)
                events += worker["tokenboard_ingested_events_total"] ?? -1
                applied += worker["tokenboard_ingested_batches_total"] ?? -1
                XCTAssertEqual(worker["tokenboard_duplicate_events_total"], 0)
                // Test workers have a data directory, so a spill file: what it holds depends on when ingest paused.
                let spilled = try XCTUnwrap(worker["tokenboard_spill_file_bytes"], id)
                XCTAssertLessThanOrEqual(worker["tokenboard_spill_file_cached_bytes"] ?? .infinity, spilled, id)
                employees[id] = worker["tokenboard_shard_employees"]
                // Batches of canonical events shrink under LZ4: more frame bytes than wire bytes came in.
                XCTAssertGreaterThan(worker["tokenboard_protocol_compression_ratio{direction=\"in\"}"] ?? 0, 1.5, id)
                XCTAssertGreaterThan(
                    worker["tokenboard_protocol_frame_bytes{direction=\"in\"}"] ?? 0,
                    worker["tokenboard_protocol_wire_bytes{direction=\"in\"}"] ?? .infinity,
                    id
                )
                // The replay's batches all fit the compact layout.
                XCTAssertEqual(
                    worker["tokenboard_request_duration_seconds_count{type=\"compactIngest\"}"],
                    worker["tokenboard_ingested_batches_total"]
                )
                XCTAssertEqual(worker["tokenboard_request_duration_seconds_count{type=\"ingest\"}"] ?? 0, 0)
            }
            XCTAssertEqual(events, 10000)
            XCTAssertEqual(applied, Double(batches))
            XCTAssertEqual(employees.values.reduce(0, +), 1000)

            // Ingest has paused since the replay: every worker gives back its pools' unused pages on a tick of
            // its idle upkeep (every 100 ms), once for the pause.
            let clock = ContinuousClock()
            for id in ["w1", "w2", "w3", "w4"] {
                let before = try XCTUnwrap(trimsBefore[id])
                var trims = try scrape(curl, cluster.workerHTTPEndpoints[id])["tokenboard_pool_trims_total"] ?? -1
                let deadline = clock.now.advanced(by: .seconds(10))
                while clock.now < deadline && trims <= before {
                    try await Task.sleep(for: .milliseconds(50))
                    trims = try scrape(curl, cluster.workerHTTPEndpoints[id])["tokenboard_pool_trims_total"] ?? -1
                }
                XCTAssertGreaterThan(trims, before, id)
            }

            // The coordinator's shard gauges come from heartbeats (every 100 ms here): wait for the next ones.
            var coordinator = try scrape(curl, cluster.httpEndpoint)
            let deadline = clock.now.advanced(by: .seconds(10))
            while clock.now < deadline,
                employees.contains(where: {
                    coordinator["tokenboard_shard_employees{worker=\"\($0.key)\"}"] != $0.value
                })
            {
                try await Task.sleep(for: .milliseconds(50))
                coordinator = try scrape(curl, cluster.httpEndpoint)
            }
            for (id, count) in employees {
                XCTAssertEqual(coordinator["tokenboard_shard_employees{worker=\"\(id)\"}"], count, id)
            }
            XCTAssertEqual(coordinator["tokenboard_workers_live"], 4)
            XCTAssertEqual(coordinator["tokenboard_workers"], 4)
            // One top query came over protocol v1 (the CLI), two over HTTP (answered in-process).
            XCTAssertEqual(coordinator["tokenboard_request_duration_seconds_count{type=\"topQuery\"}"], 1)
            XCTAssertEqual(coordinator["tokenboard_http_requests_total{route=\"top\",status=\"200\"}"], 2)
            XCTAssertEqual(coordinator["tokenboard_http_request_duration_seconds_count{route=\"top\"}"], 2)
        }
    }
}
