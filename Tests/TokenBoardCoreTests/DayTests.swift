import TokenBoardCore
import XCTest

final class DayTests: XCTestCase {
    func testEpochIsDayZero() {
        XCTAssertEqual(Day(iso: "1970-01-01")?.number, 0)
        XCTAssertEqual(Day(year: 1970, month: 1, day: 1).number, 0)
        XCTAssertEqual(Day(number: 0).description, "1970-01-01")
    }

    func testKnownDaysComputedByHand() {
        // 1970...2025 are 56 years, 14 of them leap (1972, 1976, ..., 2024): 56 × 365 + 14 = 20454 days to
        // 2026-01-01. January to September 2026: 31+28+31+30+31+30+31+31+30 = 273. 20454 + 273 = 20727.
        XCTAssertEqual(Day(iso: "2026-10-01")?.number, 20727)
        // One (non-leap) year earlier: 20727 − 365 = 20362.
        XCTAssertEqual(Day(iso: "2025-10-01")?.number, 20362)
        XCTAssertEqual(Day(number: 20362).description, "2025-10-01")
        // 1970...2023: 54 years, 13 leap: 19723 to 2024-01-01, then 31 + 28 days.
        XCTAssertEqual(Day(iso: "2024-02-29")?.number, 19782)
        XCTAssertEqual(Day(iso: "2024-03-01")?.number, 19783)
        // 1970...1999: 30 years, 7 leap: 10957 to 2000-01-01, then 59 days.
        XCTAssertEqual(Day(iso: "2000-02-29")?.number, 11016)
        // 1900-01-01: 70 years back, 17 leap years (1904...1968): −(70 × 365 + 17).
        XCTAssertEqual(Day(iso: "1900-01-01")?.number, -25567)
        XCTAssertEqual(Day(iso: "1969-12-31")?.number, -1)
    }

    func testLeapDays() {
        XCTAssertNotNil(Day(iso: "2024-02-29"))
        XCTAssertNotNil(Day(iso: "2000-02-29"), "divisible by 400: leap")
        XCTAssertNil(Day(iso: "1900-02-29"), "divisible by 100 only: not leap")
        XCTAssertNil(Day(iso: "2100-02-29"))
        XCTAssertNil(Day(iso: "2026-02-29"))
        XCTAssertNil(Day(iso: "2024-02-30"))
        XCTAssertEqual(Day(iso: "2024-02-28")!.adding(days: 1).description, "2024-02-29")
        XCTAssertEqual(Day(iso: "2023-02-28")!.adding(days: 1).description, "2023-03-01")
    }

    func testInvalidStringsAreRejected() {
        let bad = [
            "", "2026", "2026-10", "2026-10-01-", "26-10-01", "2026-1-01", "2026-10-1", "2026/10/01",
            "2026-10-01T00:00:00Z", " 2026-10-01", "2026-10-01 ", "2026-13-01", "2026-00-10", "2026-10-00",
            "2026-10-32", "2026-04-31", "abcd-ef-gh", "2026-1a-01", "2026--1-01", "2026-+1-01", "2026-10-+1",
            "+026-10-01", "-026-10-01", "2026-10-٠١",
        ]
        for text in bad { XCTAssertNil(Day(iso: text), "accepted \(text.debugDescription)") }
    }

    /// Walks 1900...2100 one day at a time with a hand-rolled calendar and checks every day both ways.
    func testRoundTripAgainstHandRolledCalendar() {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: width - digits.count) + digits
        }
        func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var (y, m, d) = (1900, 1, 1)
        var number: Int32 = -25567
        while y <= 2100 {
            let text = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
            let day = Day(number: number)
            XCTAssertEqual(day.description, text)
            XCTAssertEqual(Day(iso: text), day, text)
            XCTAssertEqual(Day(year: y, month: m, day: d), day, text)
            XCTAssertTrue(day.civil == (y, m, d), text)
            d += 1
            if d > (m == 2 && isLeap(y) ? 29 : lengths[m - 1]) {
                d = 1
                m += 1
                if m > 12 { (y, m) = (y + 1, 1) }
            }
            number += 1
        }
        XCTAssertEqual(number, 47847, "2101-01-01")
    }

    func testDescriptionPadsYears() {
        XCTAssertEqual(Day(iso: "0001-01-01")?.description, "0001-01-01")
        XCTAssertEqual(Day(iso: "9999-12-31")?.description, "9999-12-31")
    }

    func testNegativeTimestampsFloor() {
        XCTAssertEqual(Day(timestampMillis: -1).number, -1)
        XCTAssertEqual(Day(timestampMillis: -86_399_999).number, -1)
        XCTAssertEqual(Day(timestampMillis: -86_400_000).number, -1)
        XCTAssertEqual(Day(timestampMillis: -86_400_001).number, -2)
        XCTAssertEqual(Day(timestampMillis: -172_800_000).number, -2)
        XCTAssertEqual(Day(timestampMillis: Int64.min).number, Int32.min, "clamped, no trap")
        XCTAssertEqual(Day(timestampMillis: Int64.max).number, Int32.max, "clamped, no trap")
    }

    func testTimestampsAtMidnightBoundaries() {
        XCTAssertEqual(Day(timestampMillis: 0).number, 0)
        XCTAssertEqual(Day(timestampMillis: 86_399_999).number, 0)
        XCTAssertEqual(Day(timestampMillis: 86_400_000).number, 1)
        // 2026-10-01T00:00:00Z is 20727 × 86,400,000 ms.
        let midnight: Int64 = 20727 * 86_400_000
        XCTAssertEqual(midnight, 1_790_812_800_000)
        XCTAssertEqual(Day(iso: "2026-10-01")?.startMillis, midnight)
        XCTAssertEqual(Day(timestampMillis: midnight).description, "2026-10-01")
        XCTAssertEqual(Day(timestampMillis: midnight - 1).description, "2026-09-30")
        XCTAssertEqual(Day(timestampMillis: midnight + 86_399_999).description, "2026-10-01")
        XCTAssertEqual(Day(timestampMillis: midnight + 86_400_000).description, "2026-10-02")
        for number: Int32 in [-100_000, -2, -1, 0, 1, 20727, 2_000_000] {
            let day = Day(number: number)
            XCTAssertEqual(Day(timestampMillis: day.startMillis), day)
            XCTAssertEqual(Day(timestampMillis: day.startMillis - 1), Day(number: number - 1))
            XCTAssertEqual(Day(timestampMillis: day.startMillis + 86_399_999), day)
        }
    }

    func testOrderingAndAdding() {
        XCTAssertLessThan(Day(number: -1), Day(number: 0))
        XCTAssertEqual(Day(iso: "2026-10-01")!.adding(days: -40).description, "2026-08-22")
        XCTAssertEqual(Day(iso: "2026-12-31")!.adding(days: 1).description, "2027-01-01")
    }

    func testAddingSaturatesAtTheEndsOfTheRange() {
        XCTAssertEqual(Day(number: .min).adding(days: -1), Day(number: .min))
        XCTAssertEqual(Day(number: .max).adding(days: 1), Day(number: .max))
        XCTAssertEqual(Day(number: .min + 3).adding(days: -6), Day(number: .min))
        XCTAssertEqual(Day(number: 0).adding(days: .max), Day(number: .max))
        XCTAssertEqual(Day(number: 0).adding(days: .min), Day(number: .min))
        XCTAssertEqual(Day(number: .max).adding(days: .min), Day(number: .min))
    }

    func testCodableRoundTrip() throws {
        let day = Day(iso: "2026-10-01")!
        let data = try JSONEncoder().encode(day)
        XCTAssertEqual(try JSONDecoder().decode(Day.self, from: data), day)
    }
}
