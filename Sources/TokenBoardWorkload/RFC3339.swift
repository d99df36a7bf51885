import TokenBoardCore

/// Byte-level RFC 3339 timestamps, the `ts` of the canonical log. Foundation's date formatters are far too slow
/// for millions of lines a second and go through floating point; this works in integer milliseconds throughout.
enum RFC3339 {
    static let millisPerDay: Int64 = 86_400_000

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)` into epoch milliseconds. The separator may also be `t`
    /// or a space and the zone `z` (RFC 3339 §5.6 allows both); a fraction of 1 to 9 digits is truncated to
    /// milliseconds. A leap second (`:60`) is accepted and lands on the first millisecond of the next minute, as
    /// Unix time has no place for it.
    static func parse(_ p: UnsafePointer<UInt8>, count: Int) -> Int64? {
        var dates = DateCache()
        return parse(p, count: count, dates: &dates)
    }

    /// `parse(_:count:)`, remembering the last date seen: consecutive lines of a log nearly always share it.
    static func parse(_ p: UnsafePointer<UInt8>, count: Int, dates: inout DateCache) -> Int64? {
        guard count >= 20 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = Int(p[i]) &- 48
            return d >= 0 && d <= 9 ? d : nil
        }
        @inline(__always) func two(_ i: Int) -> Int? {
            guard let a = digit(i), let b = digit(i + 1) else { return nil }
            return a * 10 + b
        }
        let dateHead = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let dateTail = UInt16(p[8]) | UInt16(p[9]) << 8
        let days: Int
        if dates.filled && dates.head == dateHead && dates.tail == dateTail {
            days = dates.days
        } else {
            guard let y0 = two(0), let y1 = two(2), p[4] == UInt8(ascii: "-"), let month = two(5),
                p[7] == UInt8(ascii: "-"), let day = two(8)
            else { return nil }
            let year = y0 * 100 + y1
            guard month >= 1, month <= 12, day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
            days = Day.daysFromCivil(year: year, month: month, day: day)
            dates = DateCache(filled: true, head: dateHead, tail: dateTail, days: days)
        }
        // The form the canonical writer uses, `THH:MM:SS.mmmZ`, in one word: subtracting '0' from every byte
        // leaves the digits below 10 and the colons at exactly 10. Anything else takes the general path below.
        if count == formattedLength && p[10] == UInt8(ascii: "T") && p[19] == UInt8(ascii: ".")
            && p[23] == UInt8(ascii: "Z")
        {
            let v =
                UInt64(littleEndian: UnsafeRawPointer(p + 11).loadUnaligned(as: UInt64.self)) &- 0x3030_3030_3030_3030
            let m0 = Int(p[20]) &- 48
            let m1 = Int(p[21]) &- 48
            let m2 = Int(p[22]) &- 48
            if ((v &+ 0x7676_7676_7676_7676) | v) & 0x8080_0080_8000_8080 == 0,
                v & 0x0000_FF00_00FF_0000 == 0x0000_0A00_000A_0000, m0 >= 0, m0 <= 9, m1 >= 0, m1 <= 9, m2 >= 0, m2 <= 9
            {
                @inline(__always) func byte(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (v &>> (8 &* k)) & 0xFF) }
                let hour = byte(0) &* 10 &+ byte(1)
                let minute = byte(3) &* 10 &+ byte(4)
                let second = byte(6) &* 10 &+ byte(7)
                if hour <= 23 && minute <= 59 && second <= 60 {
                    let millis = Int64((hour * 3600 + minute * 60 + second) * 1000 + m0 * 100 + m1 * 10 + m2)
                    return Int64(days) * millisPerDay + millis
                }
            }
        }
        guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: "t") || p[10] == UInt8(ascii: " "),
            let hour = two(11), p[13] == UInt8(ascii: ":"), let minute = two(14), p[16] == UInt8(ascii: ":"),
            let second = two(17), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var millis = 0
        if p[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < count, let d = digit(i) {
                if i - start < 3 { millis = millis * 10 + d }
                i += 1
            }
            let digits = i - start
            guard digits >= 1, digits <= 9 else { return nil }
            if digits == 1 { millis *= 100 } else if digits == 2 { millis *= 10 }
        }
        guard i < count else { return nil }
        var offsetMinutes = 0
        switch p[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard count - i >= 6, let oh = two(i + 1), p[i + 3] == UInt8(ascii: ":"), let om = two(i + 4), oh <= 23,
                om <= 59
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (p[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == count else { return nil }
        let secondsOfDay = Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        return Int64(days) * millisPerDay + secondsOfDay * 1000 + Int64(millis)
    }

    /// 0000-01-01 and 9999-12-31 as day numbers.
    static let firstFourDigitDay: Int64 = -719_528
    static let lastFourDigitDay: Int64 = 2_932_896

    /// The length of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static let formattedLength = 24

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 bytes) at `p`; false, writing nothing, when the year falls outside
    /// 0000...9999 and so has no four-digit form.
    static func format(_ timestampMillis: Int64, into p: UnsafeMutablePointer<UInt8>) -> Bool {
        var dates = FormattedDate()
        return format(timestampMillis, into: p, dates: &dates)
    }

    /// `format(_:into:)`, reusing the date text of the previous call when the day is the same.
    static func format(_ timestampMillis: Int64, into p: UnsafeMutablePointer<UInt8>, dates: inout FormattedDate)
        -> Bool
    {
        var dayNumber = timestampMillis / millisPerDay
        var millisOfDay = timestampMillis % millisPerDay
        if millisOfDay < 0 {
            millisOfDay += millisPerDay
            dayNumber -= 1
        }
        guard dayNumber >= firstFourDigitDay, dayNumber <= lastFourDigitDay else { return false }
        @inline(__always) func put(_ value: Int, _ at: Int) {
            p[at] = UInt8(truncatingIfNeeded: 48 + value / 10)
            p[at + 1] = UInt8(truncatingIfNeeded: 48 + value % 10)
        }
        let raw = UnsafeMutableRawPointer(p)
        if dates.filled && dates.day == dayNumber {
            raw.storeBytes(of: dates.head, as: UInt64.self)
            raw.storeBytes(of: dates.tail, toByteOffset: 8, as: UInt16.self)
        } else {
            let (year, month, day) = Day(number: Int32(dayNumber)).civil
            put(year / 100, 0)
            put(year % 100, 2)
            p[4] = UInt8(ascii: "-")
            put(month, 5)
            p[7] = UInt8(ascii: "-")
            put(day, 8)
            dates = FormattedDate(
                filled: true,
                day: dayNumber,
                head: raw.loadUnaligned(as: UInt64.self),
                tail: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
            )
        }
        let ms = Int(millisOfDay)
        p[10] = UInt8(ascii: "T")
        put(ms / 3_600_000, 11)
        p[13] = UInt8(ascii: ":")
        put(ms / 60_000 % 60, 14)
        p[16] = UInt8(ascii: ":")
        put(ms / 1000 % 60, 17)
        p[19] = UInt8(ascii: ".")
        p[20] = UInt8(truncatingIfNeeded: 48 + ms % 1000 / 100)
        put(ms % 100, 21)
        p[23] = UInt8(ascii: "Z")
        return true
    }

    /// The timestamp as text (`YYYY-MM-DDTHH:MM:SS.mmmZ`), or its milliseconds when the year has no four-digit form.
    static func string(_ timestampMillis: Int64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formattedLength) { buffer in
            guard format(timestampMillis, into: buffer.baseAddress!) else { return String(timestampMillis) }
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}

/// The last `YYYY-MM-DD` that `RFC3339.parse` validated (its bytes as a word and a half-word) and its day number.
struct DateCache: Sendable {
    var filled = false
    var head: UInt64 = 0
    var tail: UInt16 = 0
    var days = 0
}

/// The text `RFC3339.format` last wrote for a date (`YYYY-MM-DD`, as raw bytes) and its day number.
struct FormattedDate: Sendable {
    var filled = false
    var day: Int64 = 0
    var head: UInt64 = 0
    var tail: UInt16 = 0
}
