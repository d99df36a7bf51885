/// One employee's active UTC hours on one day, for the around-the-clock signal: bit h set when they had an event
/// in hour h. Kept in the day columns (`RunningTotals.hours`); this pair is the snapshot's form.
struct HourMask: Sendable, Hashable {
    var day: Int32
    var hours: UInt32

    /// The bit of the hour of `millis` (Unix ms) within its UTC day.
    @inline(__always)
    static func bit(at millis: Int64, on day: Day) -> UInt32 {
        UInt32(1) << UInt32((millis - day.startMillis) / 3_600_000)
    }
}
