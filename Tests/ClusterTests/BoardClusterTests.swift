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

    /// A hand-made month: everyone uses claude-haiku-4-5 input tokens only ($1 per million, 1,000 nano-dollars a
    /// token), so every cost below is tokens / 1,000,000 dollars.
    ///
    ///     alice  platform  eng  3,000,000 on 10-15          $3.00
    ///     bob    platform  eng  1,000,000 on 10-15          $1.00 (+ 5,000,000 on 09-30: in 30d, not in October)
    ///     carol  search    eng  2,500,000 on 10-02          $2.50
    ///     gina   search    eng  1,500,000 on 10-15          $1.50
    ///     dave   sales-ops biz    500,000 on 10-15          $0.50
    ///     erin   (not in the directory) 4,000,000 on 10-15  $4.00
    ///
    /// 30 days to 10-15 by tokens: platform 9M (2 members), search 4M and unassigned 4M (tied; "search" sorts
    /// first), sales-ops 0.5M. By org: eng 13M, unassigned 4M, biz 0.5M.
    /// October budgets: alice $2 (spent $3, over, 150%), bob $1.10 ($1, near, 90.9%), carol $10 ($2.50, within),
    /// team platform $4 ($4, near: exactly 100% is not over), team search $2 ($4, over, 200%).
    func testTeamsAndBudgetsThroughTheCLI() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        employee,team,org,manager
        alice,platform,eng,mgr-a
        bob,platform,eng,"mgr-a"
        carol,search,eng,mgr-c
        gina,search,eng,mgr-c
        dave,sales-ops,biz,mgr-d
        """.write(toFile: folder + "/directory.csv", atomically: true, encoding: .utf8)
        try #"""
        {
          "budgets": {
            "employees": { "alice": 2, "bob": 1.10, "carol": 10 },
            "teams": { "platform": 4, "search": 2 }
          }
        }
        """#.write(toFile: folder + "/badges.json", atomically: true, encoding: .utf8)
        let events: [(String, String, Int)] = [
            ("alice", "2026-10-15", 3_000_000), ("bob", "2026-10-15", 1_000_000), ("bob", "2026-09-30", 5_000_000),
            ("carol", "2026-10-02", 2_500_000), ("gina", "2026-10-15", 1_500_000), ("dave", "2026-10-15", 500_000),
            ("erin", "2026-10-15", 4_000_000),
        ]
        let log = events.map { employee, day, input in
            #"{"ts":"\#(day)T12:00:00Z","employee":"\#(employee)","model":"claude-haiku-4-5","input":\#(input)}"#
        }.joined(separator: "\n")
        try log.write(toFile: folder + "/month.jsonl", atomically: true, encoding: .utf8)

        try await TestCluster.run(configure: {
            $0.badges = folder + "/badges.json"
            $0.directory = folder + "/directory.csv"
        }) { cluster in
            let replay = try cluster.cli(["replay", folder + "/month.jsonl"])
            XCTAssertEqual(replay.status, 0, replay.stderr)

            func rows(_ arguments: [String]) throws -> [(String, UInt64, UInt64, UInt64)] {
                let result = try cluster.cli(arguments + ["--json"])
                XCTAssertEqual(result.status, 0, result.stderr)
                let report = try result.json()
                XCTAssertEqual((report["unassigned_employees"] as? NSNumber)?.intValue, 1)
                XCTAssertEqual((report["directory_employees"] as? NSNumber)?.intValue, 5)
                return (report["rows"] as! [[String: Any]]).map { row in
                    let usage = row["usage"] as! [String: Any]
                    return (
                        row["label"] as! String, (row["members"] as! NSNumber).uint64Value,
                        (usage["tokens"] as! NSNumber).uint64Value, (usage["cost_nanos"] as! NSNumber).uint64Value
                    )
                }
            }
            let teams = try rows(["top", "--by-team"])
            XCTAssertEqual(teams.map(\.0), ["platform", "search", "unassigned", "sales-ops"])
            XCTAssertEqual(teams.map(\.1), [2, 2, 1, 1])
            XCTAssertEqual(teams.map(\.2), [9_000_000, 4_000_000, 4_000_000, 500_000])
            XCTAssertEqual(teams.map(\.3), [9_000_000_000, 4_000_000_000, 4_000_000_000, 500_000_000])
            let topTwo = try rows(["top", "--by-team", "-k", "2"])
            XCTAssertEqual(topTwo.map(\.0), ["platform", "search"])

            let orgs = try rows(["spend", "--by", "org"])
            XCTAssertEqual(orgs.map(\.0), ["eng", "unassigned", "biz"])
            XCTAssertEqual(orgs.map(\.3), [13_000_000_000, 4_000_000_000, 500_000_000])
            let october = try rows(["spend", "--by", "team", "--window", "15d"])
            // A three-way tie at $4.00 breaks by name.
            XCTAssertEqual(october.map(\.0), ["platform", "search", "unassigned", "sales-ops"])
            XCTAssertEqual(october.map(\.3), [4_000_000_000, 4_000_000_000, 4_000_000_000, 500_000_000])

            let budgets = try cluster.cli(["budgets", "--json"])
            XCTAssertEqual(budgets.status, 0, budgets.stderr)
            let report = try budgets.json()
            XCTAssertEqual(report["month"] as? String, "2026-10")
            XCTAssertEqual((report["budgets"] as? NSNumber)?.intValue, 5)
            let lines = report["lines"] as! [[String: Any]]
            XCTAssertEqual(lines.map { $0["name"] as! String }, ["search", "alice", "platform", "bob"])
            XCTAssertEqual(lines.map { $0["status"] as! String }, ["over", "over", "near", "near"])
            XCTAssertEqual(
                lines.map { ($0["cost_nanos"] as! NSNumber).uint64Value },
                [4_000_000_000, 3_000_000_000, 4_000_000_000, 1_000_000_000]
            )
            let all = try cluster.cli(["budgets", "--all", "--json"]).json()["lines"] as! [[String: Any]]
            XCTAssertEqual(all.last?["name"] as? String, "carol")
            XCTAssertEqual(all.last?["status"] as? String, "within")

            let bob = try cluster.cli(["employee", "bob", "--json"])
            XCTAssertEqual(bob.status, 0, bob.stderr)
            let person = try bob.json()
            let team = person["team"] as! [String: Any]
            XCTAssertEqual(team["team"] as? String, "platform")
            XCTAssertEqual(team["org"] as? String, "eng")
            XCTAssertEqual(team["manager"] as? String, "mgr-a")
            XCTAssertEqual((team["rank"] as? NSNumber)?.intValue, 1)
            XCTAssertEqual((team["members"] as? NSNumber)?.intValue, 2)
            let bobBudgets = person["budgets"] as! [[String: Any]]
            XCTAssertEqual(bobBudgets.map { $0["scope"] as! String }, ["employee", "team"])
            XCTAssertEqual(bobBudgets.map { $0["status"] as! String }, ["near", "near"])
            let text = try cluster.cli(["employee", "alice"]).stdout
            XCTAssertTrue(text.contains("team platform (org eng, manager mgr-a): rank 2 of 2 by tokens"), text)
            XCTAssertTrue(text.contains("employee budget: $3.00 of $2.00 this month (150.00%, over)"), text)

            let erin = try cluster.cli(["employee", "erin", "--json"]).json()
            XCTAssertEqual((erin["team"] as? [String: Any])?["team"] as? String, "unassigned")
            XCTAssertEqual(((erin["team"] as? [String: Any])?["members"] as? NSNumber)?.intValue, 1)
        }
    }

    /// `gen --plant-cases` on a generated month: the planted employees hold the titles they were built for and
    /// their team is over budget, all computed again from the log by the reference ledger.
    func testPlantedCasesThroughTheCLI() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/month.jsonl"
        let gen = try CommandResult.run(
            try TestCluster.locateBinary(),
            [
                "gen", "--out", log, "--employees", "2000", "--events", "20000", "--total-tokens", "200000000000",
                "--top-tokens", "2000000000", "--seed", "5", "--prices", TestCluster.prices, "--quiet",
                "--plant-cases",
            ]
        )
        XCTAssertEqual(gen.status, 0, gen.stderr)
        try #"{"budgets": {"teams": {"planted-overspend": 10000, "planted-agents": 100000}}}"#.write(
            toFile: folder + "/badges.json",
            atomically: true,
            encoding: .utf8
        )
        let ledger = try ReferenceLedger(logPath: log, pricesPath: TestCluster.prices, windowDays: 30)
        let spenders = ["planted-spender-1", "planted-spender-2"]
        let overspend = spenders.reduce(UInt64(0)) { $0 + ledger.employees[$1]!.costNanos }
        XCTAssertGreaterThan(overspend, 10_000_000_000_000)

        try await TestCluster.run(configure: {
            $0.badges = folder + "/badges.json"
            $0.directory = log + ".directory.csv"
        }) { cluster in
            let replay = try cluster.cli(["replay", log])
            XCTAssertEqual(replay.status, 0, replay.stderr)

            let titles = try cluster.cli(["titles", "--json"])
            XCTAssertEqual(titles.status, 0, titles.stderr)
            let holders = try titles.json()["holders"] as! [[String: Any]]
            func holder(_ title: String) -> (String, UInt64, UInt64)? {
                holders.first { $0["title"] as? String == title }.map {
                    (
                        $0["employee"] as! String, ($0["value"] as! NSNumber).uint64Value,
                        ($0["base"] as! NSNumber).uint64Value
                    )
                }
            }
            let legend = ledger.top(1)[0]
            XCTAssertEqual(holder("Token Legend")?.0, legend.employee)
            XCTAssertEqual(holder("Token Legend")?.1, legend.totals.tokens)
            XCTAssertEqual(holder("Session Immortal")?.0, "planted-idle-agent")
            XCTAssertEqual(holder("Session Immortal")?.1, 20 * 3_600_000)
            XCTAssertEqual(holder("Model Connoisseur")?.0, "planted-connoisseur")
            XCTAssertEqual(holder("Model Connoisseur")?.1, 9)
            let wizard = ledger.employees["planted-cache-heavy"]!
            XCTAssertEqual(holder("Cache Wizard")?.0, "planted-cache-heavy")
            XCTAssertEqual(holder("Cache Wizard")?.1, wizard.cacheRead)
            XCTAssertEqual(holder("Cache Wizard")?.2, wizard.tokens)
            let text = try cluster.cli(["titles"]).stdout
            XCTAssertTrue(text.contains("one session of 20h 0m"), text)

            let person = try cluster.cli(["employee", "planted-idle-agent", "--json"]).json()
            XCTAssertEqual(person["titles"] as? [String], ["Session Immortal"])

            // The gaming signals flag exactly the idle agent and the night owl: the whole board, with -k above
            // the number of active employees, shows each row's signals.
            let board = try cluster.cli(["top", "-k", "5000", "--json"])
            XCTAssertEqual(board.status, 0, board.stderr)
            let boardJSON = try board.json()
            XCTAssertEqual(boardJSON["flagged_employees"] as? Int, 2)
            let rows = boardJSON["entries"] as! [[String: Any]]
            XCTAssertEqual(rows.count, ledger.employees.count)
            func signals(_ row: [String: Any]) -> [String: Any] { row["signals"] as! [String: Any] }
            let flaggedRows = rows.filter { (signals($0)["flagged_tokens"] as! NSNumber).uint64Value > 0 }
            XCTAssertEqual(
                Set(flaggedRows.map { $0["employee"] as! String }),
                ["planted-idle-agent", "planted-night-owl"]
            )
            XCTAssertEqual(flaggedRows.count, 2)
            let idleRow = rows.first { $0["employee"] as? String == "planted-idle-agent" }!
            XCTAssertEqual(signals(idleRow)["idle_sessions"] as? Int, 1)
            XCTAssertEqual(signals(idleRow)["around_clock_days"] as? Int, 0)
            XCTAssertEqual((signals(idleRow)["flagged_tokens"] as? NSNumber)?.uint64Value, 1201 * 31_504)
            // Ratios of the window sums (1,201 × 4 output of 1,201 × 31,500 prompt tokens, and so on).
            XCTAssertEqual(signals(idleRow)["output_per_input"] as! Double, 4.0 / 31_500, accuracy: 1e-15)
            XCTAssertEqual(signals(idleRow)["cache_read_share"] as! Double, 30_000.0 / 31_504, accuracy: 1e-15)
            let owlRow = rows.first { $0["employee"] as? String == "planted-night-owl" }!
            XCTAssertEqual(signals(owlRow)["around_clock_days"] as? Int, 3)
            XCTAssertEqual((signals(owlRow)["flagged_tokens"] as? NSNumber)?.uint64Value, 72 * 4_000)

            // Adjusted: the same ranking computed here from the ledger with the flagged tokens left out.
            let flaggedTokens: [String: UInt64] = ["planted-idle-agent": 1201 * 31_504, "planted-night-owl": 288_000]
            let rawOrder = ledger.top(ledger.employees.count)
            let expected = rawOrder.enumerated().map { index, row in
                (row.employee, index + 1, row.totals.tokens - (flaggedTokens[row.employee] ?? 0))
            }
            .sorted { a, b in a.2 != b.2 ? a.2 > b.2 : a.0.utf8.lexicographicallyPrecedes(b.0.utf8) }
            .prefix(50)
            let adjusted = try cluster.cli(["top", "-k", "50", "--adjusted", "--json"])
            XCTAssertEqual(adjusted.status, 0, adjusted.stderr)
            let adjustedRows = try adjusted.json()["entries"] as! [[String: Any]]
            XCTAssertEqual(adjustedRows.map { $0["employee"] as! String }, expected.map(\.0))
            XCTAssertEqual(adjustedRows.map { $0["raw_rank"] as! Int }, expected.map(\.1))
            XCTAssertEqual(adjustedRows.map { ($0["adjusted_score"] as! NSNumber).uint64Value }, expected.map(\.2))
            let table = try cluster.cli(["top", "-k", "5", "--adjusted"]).stdout
            XCTAssertTrue(table.contains("Adjusted top 5 by tokens"), table)
            XCTAssertTrue(table.contains("2 flagged by the gaming signals"), table)

            let budgets = try cluster.cli(["budgets", "--json"]).json()
            let lines = budgets["lines"] as! [[String: Any]]
            XCTAssertEqual(lines.map { $0["name"] as! String }, ["planted-overspend"])
            XCTAssertEqual(lines.first?["status"] as? String, "over")
            XCTAssertEqual((lines.first?["cost_nanos"] as? NSNumber)?.uint64Value, overspend)
        }
    }
}
