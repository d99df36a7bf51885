import Foundation
import XCTest

/// `tokenboard import` of a real-format log into real processes on loopback.
final class ImportTests: XCTestCase {
    /// The hand-written Claude Code session log of the workload tests.
    private let fixture = TestCluster.repositoryRoot + "/Tests/TokenBoardWorkloadTests/Fixtures/claude-code.jsonl"

    func testImportingAClaudeCodeLogCountsEachResponseOnceAndImportingAgainChangesNothing() async throws {
        try await TestCluster.run { cluster in try await checkImport(on: cluster) }
    }

    private func usage(of employee: String, on cluster: TestCluster) throws -> [String: Any] {
        let result = try cluster.cli(["employee", employee, "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try result.json()
        XCTAssertEqual(report["found"] as? Bool, true)
        return report["usage"] as? [String: Any] ?? [:]
    }

    private func checkImport(on cluster: TestCluster) async throws {
        let arguments = ["import", fixture, "--employee", "alice@acme.com", "--json", "--quiet"]
        let first = try cluster.cli(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        let summary = try first.json()
        // Three responses (msg_01AAAA written on three lines counts once), one cut-off line reported.
        XCTAssertEqual(summary["events"] as? Int, 3)
        XCTAssertEqual(summary["duplicate_events"] as? Int, 0)
        XCTAssertEqual(summary["lines_read"] as? Int, 12)
        XCTAssertEqual(summary["skipped_lines"] as? Int, 8)
        XCTAssertEqual(summary["bad_lines"] as? Int, 1)
        XCTAssertEqual(
            summary["errors"] as? [String],
            ["\(fixture):8: malformed JSON at byte 329: expected a JSON value"]
        )

        // By hand (docs: ClaudeCodeLogTests): input 10 + 4 + 6 = 20, output 250 + 120 + 800 = 1,170, cache writes
        // 2,000 + 500 + 1,200 = 3,700, cache reads 15,000 + 17,000 + 30,000 = 62,000; 66,890 tokens costing
        // 15,780,000 + 8,787,000 + 42,530,000 = 67,097,000 nano-dollars at the list prices of cluster/prices.json.
        let expected: [String: UInt64] = [
            "input": 20, "output": 1170, "cache_write": 3700, "cache_read": 62000, "tokens": 66890,
            "cost_nanos": 67_097_000, "unpriced_tokens": 0,
        ]
        func check(_ usage: [String: Any], _ when: String) {
            for (key, value) in expected {
                XCTAssertEqual((usage[key] as? NSNumber)?.uint64Value, value, "\(key) \(when)")
            }
        }
        check(try usage(of: "alice@acme.com", on: cluster), "after the first import")

        // The same file again: the same producer id and batches, all acknowledged as duplicates.
        let second = try cluster.cli(arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        let again = try second.json()
        XCTAssertEqual(again["events"] as? Int, 3)
        XCTAssertEqual(again["duplicate_events"] as? Int, 3)
        XCTAssertEqual(
            (again["producer_id"] as? NSNumber)?.uint64Value,
            (summary["producer_id"] as? NSNumber)?.uint64Value
        )
        check(try usage(of: "alice@acme.com", on: cluster), "after importing again")

        // The text report says so too.
        let third = try cluster.cli(["import", fixture, "--employee", "alice@acme.com", "--quiet"])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stdout.contains("every event was already imported: nothing changed"), third.stdout)
        check(try usage(of: "alice@acme.com", on: cluster), "after importing a third time")

        // Without an employee the import stops before sending anything, naming the file.
        let unmapped = try cluster.cli(["import", fixture, "--quiet"])
        XCTAssertNotEqual(unmapped.status, 0)
        XCTAssertTrue(
            unmapped.stderr.contains("cannot read \(fixture): a Claude Code log names no employee"),
            unmapped.stderr
        )
    }
}
