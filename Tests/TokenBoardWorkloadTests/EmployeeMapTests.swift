import Foundation
import XCTest

@testable import TokenBoardWorkload

final class EmployeeMapTests: XCTestCase {
    func testTheFixtureMapParses() throws {
        let map = try EmployeeMap(contentsOf: Fixtures.path("employees.map"))
        XCTAssertEqual(
            map.rules,
            [
                .init(source: .path, pattern: "*/claude-code.jsonl", employee: "alice@acme.com", line: 2),
                .init(source: .path, pattern: "*/openai.jsonl", employee: "dave@acme.com", line: 3),
                .init(source: .user, pattern: "bob", employee: "bob@acme.com", line: 4),
                .init(source: .user, pattern: "e?in", employee: "erin@acme.com", line: 5),
            ]
        )
        XCTAssertEqual(map.employee(forUser: "bob"), "bob@acme.com")
        XCTAssertEqual(map.employee(forUser: "bobby"), nil)
        XCTAssertEqual(map.employee(forUser: "erin"), "erin@acme.com")
        XCTAssertEqual(map.employee(forUser: "ein"), nil)
        XCTAssertEqual(map.employee(forPath: "/logs/claude-code.jsonl"), "alice@acme.com")
        // A relative path matches through its absolute form.
        XCTAssertEqual(map.employee(forPath: "openai.jsonl"), "dave@acme.com")
        XCTAssertEqual(map.employee(forPath: "/logs/openai.jsonl.bak"), nil)
    }

    func testTheFirstMatchingRuleWinsAndTheEmployeeFollowsTheLastComma() throws {
        let map = try EmployeeMap(
            text: "path:/home/alice/*,alice\npath:*,everyone\nuser:team,a,b , x,y\n",
            file: "inline"
        )
        XCTAssertEqual(map.employee(forPath: "/home/alice/.claude/projects/p/s.jsonl"), "alice")
        XCTAssertEqual(map.employee(forPath: "/home/bob/s.jsonl"), "everyone")
        XCTAssertEqual(map.rules.last?.pattern, "team,a,b , x")
        XCTAssertEqual(map.rules.last?.employee, "y")
    }

    func testBadLinesAreReportedWithTheirNumbers() {
        let cases: [(String, String)] = [
            ("# fine\nalice,bob\n", "inline:2: expected SOURCE:PATTERN,EMPLOYEE with SOURCE path or user"),
            ("host:x,bob", "inline:1: unknown source 'host': use path or user"),
            ("\n\npath:*.jsonl", "inline:3: no ',' before the employee"),
            ("user:x,  ", "inline:1: empty employee"),
            ("user: ,bob", "inline:1: empty pattern"),
            ("user:x," + String(repeating: "e", count: 257), "inline:1: employee is longer than 256 bytes"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try EmployeeMap(text: text, file: "inline")) { error in
                XCTAssertEqual("\(error)", "employee map \(message)")
            }
        }
        XCTAssertThrowsError(try EmployeeMap(contentsOf: "/nonexistent/map")) { error in
            XCTAssertTrue("\(error)".hasPrefix("employee map /nonexistent/map: cannot read"), "\(error)")
        }
    }

    func testGlobs() {
        XCTAssertTrue(Glob.matches("*", ""))
        XCTAssertTrue(Glob.matches("*", "a/b/c"))
        XCTAssertTrue(Glob.matches("a*c", "abbbc"))
        XCTAssertTrue(Glob.matches("a*b*c", "aXbYbZc"))
        XCTAssertFalse(Glob.matches("a*b*c", "aXbYbZ"))
        XCTAssertTrue(Glob.matches("?é?", "xéy"))
        XCTAssertFalse(Glob.matches("?", ""))
        XCTAssertFalse(Glob.matches("abc", "abcd"))
        XCTAssertTrue(Glob.matches("**a", "a"))
    }
}
