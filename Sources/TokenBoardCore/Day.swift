/// A UTC calendar day, counted from 1970-01-01 (day 0). Counters are bucketed by it.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var number: Int32

    public init(number: Int32) { self.number = number }

    /// The day containing a Unix timestamp in milliseconds (floor division, so times before 1970 work too).
    @inlinable public init(timestampMillis: Int64) {
        let millisPerDay: Int64 = 86_400_000
        var days = timestampMillis / millisPerDay
        if timestampMillis % millisPerDay < 0 { days -= 1 }
        number = Int32(clamping: days)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        // ASCII digits only: `Int("+1")` would otherwise accept a sign.
        guard iso.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) }),
            parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        number = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    public init(year: Int, month: Int, day: Int) {
        number = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }

    /// The day `days` later (earlier when negative), clamped to the representable range instead of trapping, since
    /// an anchor can come from a peer.
    public func adding(days: Int) -> Day {
        let (sum, overflow) = Int(number).addingReportingOverflow(days)
        return Day(number: overflow ? (days < 0 ? .min : .max) : Int32(clamping: sum))
    }

    /// Milliseconds since the epoch at 00:00 UTC of this day.
    public var startMillis: Int64 { Int64(number) * 86_400_000 }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = civil
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Year, month and day of month.
    public var civil: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar.
        let z = Int(number) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
