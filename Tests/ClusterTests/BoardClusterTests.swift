import Foundation
import XCTest

/// The board's tiers, titles, teams, signals and budgets on a real cluster, through the CLI, checked against
/// values computed independently from the same log.
final class BoardClusterTests: XCTestCase {
    func testTiersMatchTheLedgerThroughTheCLI() async throws {
        try await TestCluster.run { cluster in
            let log = try cluster.generateLog(
                "tiers",
                employees: 3000,
                events: 30_000,
                totalTokens: 300_000_000_000,
                topTokens: 2_000_000_000,
                seed: 11
            )
            let replay = try cluster.cli(["replay", log])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)

            // The shipped rules by hand: the floor of a top-p% tier is the ⌈N·p/100⌉-th largest token total.
            let sorted = ledger.employees.values.map(\.tokens).sorted(by: >)
            let n = sorted.count
            let percents = [("emerald", 1), ("platinum", 5), ("gold", 15), ("silver", 40), ("bronze", 75)]
            let floors = percents.map { sorted[(n * $0.1 + 99) / 100 - 1] }
            let atOrAbove = floors.map { floor in sorted.filter { $0 >= floor }.count }
            let expectedCounts = atOrAbove.enumerated().map {
                $0.element - ($0.offset > 0 ? atOrAbove[$0.offset - 1] : 0)
            }

            let tiers = try cluster.cli(["tiers", "--json"])
            XCTAssertEqual(tiers.status, 0, tiers.stderr)
            let report = try tiers.json()
            XCTAssertEqual((report["active_employees"] as? NSNumber)?.intValue, n)
            let levels = report["tiers"] as! [[String: Any]]
            XCTAssertEqual(levels.map { $0["tier"] as! String }, percents.map(\.0))
            XCTAssertEqual(levels.map { ($0["floor"] as? NSNumber)?.uint64Value }, floors)
            XCTAssertEqual(levels.map { ($0["employees"] as? NSNumber)?.intValue }, expectedCounts)
            XCTAssertEqual((report["untiered"] as? NSNumber)?.intValue, n - atOrAbove[4])

            // Each board row carries the tier its total reaches.
            let top = try cluster.cli(["top", "-k", "100", "--json"])
            XCTAssertEqual(top.status, 0, top.stderr)
            for entry in try top.json()["entries"] as! [[String: Any]] {
                let tokens = ((entry["usage"] as! [String: Any])["tokens"] as! NSNumber).uint64Value
                let expected = zip(percents, floors).first { tokens >= $0.1 }?.0.0
                XCTAssertEqual(entry["tier"] as? String, expected, "\(entry)")
            }
            let text = try cluster.cli(["tiers"])
            let emeraldLine = text.stdout.split(separator: "\n").first { $0.hasPrefix("emerald") } ?? ""
            XCTAssertTrue(emeraldLine.contains("top 1%") && emeraldLine.hasSuffix(" \(expectedCounts[0])"), text.stdout)

            // An employee in the bottom quarter holds no tier; one at the emerald floor holds emerald.
            let name = ledger.employees.first { $0.value.tokens == floors[0] }!.key
            let person = try cluster.cli(["employee", name, "--json"]).json()
            XCTAssertEqual(person["tier"] as? String, "emerald")
            let low = ledger.employees.first { $0.value.tokens < floors[4] }!.key
            let lowPerson = try cluster.cli(["employee", low, "--json"]).json()
            XCTAssertNil(lowPerson["tier"] as? String)
            XCTAssertEqual(lowPerson["found"] as? Bool, true)
        }
    }
}
