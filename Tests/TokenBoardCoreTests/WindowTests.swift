import TokenBoardCore
import XCTest

final class WindowTests: XCTestCase {
    func testParsesDayWindowsAndAllTime() {
        XCTAssertEqual(Window("1d"), .days(1))
        XCTAssertEqual(Window("7d"), .days(7))
        XCTAssertEqual(Window("30d"), .days(30))
        XCTAssertEqual(Window("7D"), .days(7))
        XCTAssertEqual(Window("3660d"), .days(3660))
        XCTAssertEqual(Window("all"), .allTime)
        XCTAssertEqual(Window("ALL"), .allTime)
        XCTAssertEqual(Window("all-time"), .allTime)
    }

    func testRejectsBadWindows() {
        for text in ["", "bad", "d", "7", "0d", "-1d", "3661d", "7 d", " 7d", "7days", "1w", "all time", "1.5d"] {
            XCTAssertNil(Window(text), "accepted \(text.debugDescription)")
        }
    }

    func testDescriptionRoundTrips() {
        for window in [Window.days(1), .days(7), .days(30), .days(3660), .allTime] {
            XCTAssertEqual(Window(window.description), window)
        }
        XCTAssertEqual(Window.days(30).description, "30d")
        XCTAssertEqual(Window.allTime.description, "all")
    }

    func testRangeCoversWholeDaysEndingAtTheAnchor() {
        let anchor = Day(iso: "2026-10-01")!
        XCTAssertEqual(Window.days(1).range(anchor: anchor), anchor...anchor)
        XCTAssertEqual(Window.days(7).range(anchor: anchor), Day(iso: "2026-09-25")!...anchor)
        XCTAssertEqual(Window.days(30).range(anchor: anchor), Day(iso: "2026-09-02")!...anchor)
        XCTAssertEqual(Window.days(7).range(anchor: Day(number: 3)), Day(number: -3)...Day(number: 3))
        let all = Window.allTime.range(anchor: anchor)
        XCTAssertEqual(all.lowerBound, Day(number: .min))
        XCTAssertEqual(all.upperBound, Day(number: .max))
    }

    /// An anchor can come off the wire; a window ending near the first representable day must not trap.
    func testRangeAtTheEndsOfTheDayRange() {
        let first = Day(number: .min)
        XCTAssertEqual(Window.days(7).range(anchor: first), first...first)
        XCTAssertEqual(Window.days(30).range(anchor: Day(number: .min + 2)), first...Day(number: .min + 2))
        let last = Day(number: .max)
        XCTAssertEqual(Window.days(7).range(anchor: last), Day(number: .max - 6)...last)
    }

    func testWireDaysRoundTrip() {
        XCTAssertEqual(Window.allTime.wireDays, 0)
        XCTAssertEqual(Window.days(30).wireDays, 30)
        XCTAssertEqual(Window(wireDays: 0), .allTime)
        for n in 1...Window.maxDays {
            let window = Window.days(n)
            XCTAssertEqual(window.wireDays, UInt32(n))
            XCTAssertEqual(Window(wireDays: window.wireDays), window)
        }
        XCTAssertEqual(Window(wireDays: Window.allTime.wireDays), .allTime)
        XCTAssertNil(Window(wireDays: 3661))
        XCTAssertNil(Window(wireDays: .max))
    }
}
