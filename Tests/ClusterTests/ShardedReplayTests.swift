import Foundation
import TokenBoardCore
import XCTest

/// Sharded logs on a real cluster: laid out for the cluster's map, every block goes to its worker as it is; laid
/// out for another map, the replay partitions the events again. Either way the cluster's answers match the
/// generator's manifest exactly, and numbered batches make a second replay a pure duplicate.
final class ShardedReplayTests: XCTestCase {
    private func sharded(
        _ cluster: TestCluster,
        for topology: String,
        batch: Int
    ) throws -> (log: String, manifest: String) {
        let source = try cluster.generateLog(
            "month",
            employees: 2000,
            events: 30000,
            totalTokens: 300_000_000_000,
            topTokens: 3_000_000_000,
            seed: 23
        )
        let out = cluster.directory + "/month.sharded"
        let convert = try CommandResult.run(
            cluster.binary,
            [
                "convert", source, "-o", out, "--shards", topology, "--batch", "\(batch)", "--json", "--quiet",
            ]
        )
        XCTAssertEqual(convert.status, 0, convert.stdout + convert.stderr)
        let summary = try convert.json()
        XCTAssertEqual(summary["format"] as? String, "sharded")
        XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, 30000)
        return (out, cluster.directory + "/month.manifest.json")
    }

    func testALogShardedForTheClustersMapIsForwardedExactlyAndOnce() async throws {
        try await TestCluster.run { cluster in
            let (log, manifest) = try sharded(cluster, for: cluster.topologyPath, batch: 1000)
            let first = try cluster.cli([
                "replay", log, "--json", "--quiet", "--producer-id", "77", "--verify", manifest,
            ])
            XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
            let summary = try first.json()
            XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, 30000)
            XCTAssertEqual(summary["sharded"] as? Bool, true)
            XCTAssertNil(summary["repartitioned"] as? String)
            XCTAssertEqual((summary["duplicate_events"] as? NSNumber)?.intValue, 0)
            XCTAssertEqual((summary["verification"] as? [String: Any])?["ok"] as? Bool, true, "\(summary)")
            // About 7,500 events per worker in blocks of at most 1,000: at least 8 batches each.
            XCTAssertGreaterThanOrEqual((summary["batches"] as? NSNumber)?.intValue ?? 0, 32)

            // The same log under the same producer id: the workers have every batch already.
            let again = try cluster.cli(["replay", log, "--json", "--quiet", "--producer-id", "77"])
            XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
            XCTAssertEqual((try again.json()["duplicate_events"] as? NSNumber)?.intValue, 30000)
            let verify = try cluster.cli(["verify", manifest])
            XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        }
    }

    func testALogShardedForAnotherMapIsPartitionedAgainAndSaysSo() async throws {
        try await TestCluster.run { cluster in
            let other = Topology(
                name: "other",
                runDirectory: cluster.directory + "/other",
                prices: TestCluster.prices,
                coordinator: .init(id: "c1", host: "127.0.0.1", port: 1),
                workers: [.init(id: "w1", host: "127.0.0.1", port: 2), .init(id: "w2", host: "127.0.0.1", port: 3)],
                heartbeatMillis: 100,
                livenessTimeoutMillis: 1000,
                queryDeadlineMillis: 5000
            )
            let path = cluster.directory + "/other.json"
            try other.jsonData().write(to: URL(fileURLWithPath: path))
            let (log, manifest) = try sharded(cluster, for: path, batch: 4096)
            // Partitioned here, the batches may be compressed on their way as well.
            let replay = try cluster.cli(["replay", log, "--json", "--compression", "--verify", manifest])
            XCTAssertEqual(replay.status, 0, replay.stdout + replay.stderr)
            let summary = try replay.json()
            XCTAssertEqual((summary["events"] as? NSNumber)?.intValue, 30000)
            XCTAssertEqual(summary["sharded"] as? Bool, true)
            let reason = summary["repartitioned"] as? String ?? ""
            XCTAssertTrue(reason.hasPrefix("the log is sharded for workers w1,w2 over 4096 slots"), reason)
            XCTAssertTrue(replay.stderr.contains("note: partitioning the sharded log again: "), replay.stderr)
            XCTAssertEqual((summary["verification"] as? [String: Any])?["ok"] as? Bool, true, "\(summary)")

            // Only replay reads a sharded log: other commands name the file and say so.
            let manifestOfSharded = try CommandResult.run(
                cluster.binary,
                ["manifest", log, "--out", cluster.directory + "/sharded.manifest.json"]
            )
            XCTAssertNotEqual(manifestOfSharded.status, 0)
            XCTAssertTrue(
                manifestOfSharded.stderr.contains("only tokenboard replay reads it"),
                manifestOfSharded.stderr
            )
        }
    }
}
