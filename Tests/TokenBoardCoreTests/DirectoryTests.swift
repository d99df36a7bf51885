import Foundation
import TokenBoardCore
import XCTest

/// The directory file, team sums, team ranks and budget lines, by hand.
final class DirectoryTests: XCTestCase {
    static let csv = #"""
        Employee,Team,Org,Manager
        alice,platform,eng,"Smith, J."

        bob , platform , eng , mgr
        carol,"search ""core""",eng,
        dave,,biz,mgr-d
        """#

    func testParsesQuotedFieldsAndBlankLines() throws {
        let directory = try Directory(csv: Self.csv)
        XCTAssertEqual(directory.members.count, 4)
        XCTAssertEqual(directory.member("alice"), .init(team: "platform", org: "eng", manager: "Smith, J."))
        XCTAssertEqual(directory.member("bob"), .init(team: "platform", org: "eng", manager: "mgr"))
        XCTAssertEqual(directory.member("carol")?.team, #"search "core""#)
        XCTAssertEqual(directory.group(of: "dave", by: .team), "unassigned")
        XCTAssertEqual(directory.group(of: "dave", by: .org), "biz")
        XCTAssertEqual(directory.group(of: "zed", by: .org), "unassigned")
    }

    func testBadFilesNameTheLine() {
        let cases: [(String, String)] = [
            ("employee,team\nalice,x", "d.csv:1: the header must be employee,team,org,manager"),
            ("employee,team,org,manager\nalice,x,y", "d.csv:2: expected 4 fields"),
            ("employee,team,org,manager\nalice,x,y,z\nalice,q,y,z", "d.csv:3: employee 'alice' is listed twice"),
            ("employee,team,org,manager\n,x,y,z", "d.csv:2: empty employee key"),
            ("employee,team,org,manager\n\"alice,x,y,z", "d.csv:2: a quoted field is not closed"),
            ("", "d.csv: empty"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try Directory(csv: text, source: "d.csv")) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)")
            }
        }
    }

    private func entry(_ name: String, tokens: UInt64, cost: UInt64) -> RankedEmployee {
        RankedEmployee(
            employee: name,
            counts: TokenCounts(input: tokens, output: 0, cacheWrite: 0, cacheRead: 0),
            cost: cost
        )
    }

    func testGroupsSumMembersAndKeepUnlistedPeopleAsUnassigned() throws {
        let directory = try Directory(csv: Self.csv)
        let entries = [
            entry("alice", tokens: 10, cost: 1), entry("bob", tokens: 30, cost: 7), entry("carol", tokens: 40, cost: 2),
            entry("dave", tokens: 5, cost: 3), entry("zed", tokens: 35, cost: 9),
        ]
        let teams = directory.groups(of: entries, by: .team, metric: .tokens)
        // platform 40 (2), search "core" 40 (1), unassigned: dave 5 + zed 35 = 40 (2): a three-way tie by name.
        XCTAssertEqual(teams.map(\.summary.employee), ["platform", #"search "core""#, "unassigned"])
        XCTAssertEqual(teams.map(\.summary.tokens), [40, 40, 40])
        XCTAssertEqual(teams.map(\.members), [2, 1, 2])
        let orgsByCost = directory.groups(of: entries, by: .org, metric: .cost)
        XCTAssertEqual(orgsByCost.map(\.summary.employee), ["eng", "unassigned", "biz"])
        XCTAssertEqual(orgsByCost.map(\.summary.cost), [10, 9, 3])

        XCTAssertEqual(
            directory.standing(of: "alice", among: entries, metric: .tokens),
            TeamStanding(team: "platform", org: "eng", manager: "Smith, J.", rank: 2, members: 2)
        )
        XCTAssertEqual(directory.standing(of: "zed", among: entries, metric: .tokens)?.rank, 1)
        XCTAssertEqual(directory.standing(of: "dave", among: entries, metric: .tokens)?.rank, 2)
        XCTAssertNil(directory.standing(of: "nobody", among: entries, metric: .tokens))
    }

    func testBudgetStatusAtTheEdges() {
        func status(_ cost: UInt64, _ budget: UInt64) -> BudgetLine.Status {
            BudgetLine(scope: .employee, name: "x", budget: budget, cost: cost).status
        }
        XCTAssertEqual(status(899, 1000), .within)
        XCTAssertEqual(status(900, 1000), .near)
        XCTAssertEqual(status(1000, 1000), .near)
        XCTAssertEqual(status(1001, 1000), .over)
        XCTAssertEqual(status(0, 0), .near)
        XCTAssertEqual(status(.max, .max), .near)
        XCTAssertEqual(status(.max / 10 * 9, .max), .within)
    }

    func testBudgetLinesUseMonthToDateCostAndTeamSums() throws {
        let config = try BoardConfig(
            json: Data(#"{"budgets": {"employees": {"bob": 0.07, "nobody": 5}, "teams": {"platform": 1}}}"#.utf8)
        )
        XCTAssertEqual(config.tiers, TierRules.defaults)
        XCTAssertEqual(config.budgets.employees, ["bob": 70_000_000, "nobody": 5_000_000_000])
        let directory = try Directory(csv: Self.csv)
        let lines = config.budgets.lines(
            entries: [entry("alice", tokens: 1, cost: 400_000_000), entry("bob", tokens: 1, cost: 70_000_001)],
            directory: directory
        )
        XCTAssertEqual(
            lines,
            [
                BudgetLine(scope: .employee, name: "bob", budget: 70_000_000, cost: 70_000_001),
                BudgetLine(scope: .employee, name: "nobody", budget: 5_000_000_000, cost: 0),
                BudgetLine(scope: .team, name: "platform", budget: 1_000_000_000, cost: 470_000_001),
            ]
        )
        XCTAssertEqual(lines.map(\.status), [.over, .within, .within])
        XCTAssertEqual(Budgets.monthToDate(Day(year: 2026, month: 10, day: 15)), .days(15))
        XCTAssertThrowsError(try BoardConfig(json: Data(#"{"budgets": {"teams": {"x": 1.005}}}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("budgets.teams[x] = 1.005 has more than 2 decimals"), "\($0)")
        }
    }
}
