/// The UTC hours of each day in which each employee was active: 24 bits per (employee, day), for the
/// around-the-clock signal. Kept per employee sorted by day; events arrive mostly in time order, so an event
/// touches the last entry or appends one, and only an out-of-order event searches back.
///
/// Memory: 8 bytes per active (employee, day).
struct HourMasks: Sendable {
    /// One employee's active hours on one day: bit h set when they had an event in hour h (UTC).
    struct Entry: Sendable, Hashable {
        var day: Int32
        var hours: UInt32
    }

    /// Entries per shard-local employee id, sorted by day.
    private(set) var entries: [[Entry]] = []

    /// Notes an event of `employee` at `millis` (Unix ms).
    @inline(__always)
    mutating func record(employee: Int, at millis: Int64) {
        let day = Day(timestampMillis: millis)
        let bit = UInt32(1) << UInt32((millis - day.startMillis) / 3_600_000)
        if employee >= entries.count {
            entries.append(contentsOf: repeatElement([], count: employee + 1 - entries.count))
        }
        var i = entries[employee].count - 1
        while i >= 0 && entries[employee][i].day > day.number { i -= 1 }
        if i >= 0 && entries[employee][i].day == day.number {
            entries[employee][i].hours |= bit
        } else {
            entries[employee].insert(Entry(day: day.number, hours: bit), at: i + 1)
        }
    }

    /// The days in `low...high` (day numbers) on which `employee` was active in at least `minHours` hours.
    func days(of employee: Int, from low: Int32, through high: Int32, minHours: Int) -> [Int32] {
        guard employee < entries.count else { return [] }
        return entries[employee].filter { $0.day >= low && $0.day <= high && $0.hours.nonzeroBitCount >= minHours }
            .map(\.day)
    }

    /// Replaces every entry (loading a snapshot).
    mutating func restore(_ entries: [[Entry]]) {
        self.entries = entries
    }
}
