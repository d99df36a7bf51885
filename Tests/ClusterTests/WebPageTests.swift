import Foundation
import XCTest

/// The leaderboard page in a real browser: headless Chromium (Debian's `chromium`) loads it from a cluster with
/// replayed data, runs its script against the API, and the rendered DOM must hold the board the CLI prints.
final class WebPageTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"

    /// Loads `url` headless and returns the DOM after the page's script has run (virtual time lets its fetches
    /// finish before the dump).
    private func renderedDOM(_ url: String, directory: String) throws -> String {
        let result = try CommandResult.run(
            Self.chromium,
            Self.flags(directory: directory) + ["--dump-dom", url]
        )
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    static func flags(directory: String) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=\(directory)/chromium-\(UUID().uuidString)", "--virtual-time-budget=20000",
        ]
    }

    /// The rows of the board table, in document order: (rank, employee).
    private func boardRows(_ dom: String) throws -> [(rank: Int, employee: String)] {
        let start = try XCTUnwrap(dom.range(of: "<tbody id=\"board-rows\">"), "no board table in the page")
        let end = try XCTUnwrap(dom.range(of: "</tbody>", range: start.upperBound..<dom.endIndex))
        let table = dom[start.upperBound..<end.lowerBound]
        let pattern = try NSRegularExpression(pattern: #"<tr data-rank="(\d+)" data-employee="([^"]*)">"#)
        let text = String(table)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (
                Int(text[Range(match.range(at: 1), in: text)!])!,
                String(text[Range(match.range(at: 2), in: text)!])
            )
        }
    }

    func testPageRendersTheBoardInOrderAndOneEmployee() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            throw XCTSkip("Debian's chromium is not installed; scripts/test installs it (apt-get install chromium)")
        }
        try await TestCluster.run(http: true) { cluster in
            let log = try cluster.generateLog(
                "page",
                employees: 3000,
                events: 30000,
                totalTokens: 300_000_000_000,
                topTokens: 4_000_000_000,
                seed: 21
            )
            XCTAssertEqual(try cluster.cli(["replay", log, "--quiet"]).status, 0)
            let base = "http://\(try XCTUnwrap(cluster.httpEndpoint))/"

            for metric in ["tokens", "cost"] {
                let expected =
                    try cluster.cli(["top", "-k", "250", "--by", metric, "--json"]).json()["entries"]
                    as! [[String: Any]]
                let rows = try boardRows(
                    try renderedDOM(base + "#window=30d&by=\(metric)", directory: cluster.directory)
                )
                XCTAssertEqual(rows.count, 250, metric)
                XCTAssertEqual(rows.map(\.rank), Array(1...250), metric)
                XCTAssertEqual(rows.map(\.employee), expected.map { $0["employee"] as! String }, metric)
            }

            // The search panel: one employee's rank and usage, as the CLI reports them.
            let seventh = try cluster.cli(["top", "-k", "7", "--json"]).json()["entries"] as! [[String: Any]]
            let name = seventh[6]["employee"] as! String
            let person = try cluster.cli(["employee", name, "--json"]).json()
            let dom = try renderedDOM(base + "#window=30d&by=tokens&employee=\(name)", directory: cluster.directory)
            let active = (person["active_employees"] as! NSNumber).uint64Value.formatted(
                .number.locale(Locale(identifier: "en_US"))
            )
            XCTAssertTrue(dom.contains("<h2 id=\"employee-name\">\(name)</h2>"), "no employee panel for \(name)")
            XCTAssertTrue(dom.contains("Rank 7 of \(active) by tokens"), "no rank line for \(name)")
            let models = (person["by_model"] as! [[String: Any]]).map { $0["label"] as! String }
            for model in models { XCTAssertTrue(dom.contains("<td>\(model)</td>"), model) }

            // A screenshot of the same page.
            let shot = cluster.directory + "/board.png"
            let capture = try CommandResult.run(
                Self.chromium,
                Self.flags(directory: cluster.directory) + ["--window-size=1400,1100", "--screenshot=\(shot)", base]
            )
            XCTAssertEqual(capture.status, 0, capture.stderr)
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertGreaterThan(png.count, 20_000)
        }
    }
}
