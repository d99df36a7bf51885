/// When each event of a paced replay may be sent, as an offset from the start of the replay.
///
/// Pure arithmetic over times the caller passes in (the replayer reads its clock; tests pass numbers), kept in
/// integer nanoseconds so that a schedule never drifts:
/// - `.rate(r)` is a token bucket holding `burst` events that refills at `r` per second: event *k* after the
///   bucket was last found overflowing is due at that moment plus *k*/r. A sender that stalls (a slow
///   acknowledgement) and falls behind by more than `burst` events starts a new schedule from now minus the burst
///   instead of catching up on everything it missed.
/// - `.speed(f)` sends an event at (its timestamp − the first event's timestamp) / f. Events that fall behind
///   (the cluster is slower than the log) are sent at once, so the replay catches up as fast as it can; events
///   older than the first one are due at once.
/// - `.unlimited` makes every event due at once.
public struct Pacer: Sendable, Hashable {
    public let pacing: Pacing
    /// Events the rate bucket holds: how many may go at once after the sender fell behind.
    public let burst: Int64

    private var origin: Int64 = 0
    private var admitted: Int64 = 0
    private var firstTimestampMillis: Int64?

    /// A pacer for `pacing`; `burst` applies to `.rate` only (at least 1).
    public init(_ pacing: Pacing, burst: Int = 1) {
        self.pacing = pacing
        self.burst = Int64(max(1, burst))
    }

    /// A burst of 50 ms worth of events at the given rate, at least one: small enough to keep the rate smooth
    /// over any tenth of a second, large enough not to reset the schedule on scheduler jitter.
    public static func defaultBurst(for pacing: Pacing) -> Int {
        guard case .rate(let rate) = pacing else { return 1 }
        return max(1, Int(min(rate * 0.05, 1e9)))
    }

    /// Whether events must wait at all.
    public var isPaced: Bool { pacing != .unlimited }

    /// Takes the next event (written at `timestampMillis`) and returns when it is due, in nanoseconds since the
    /// replay started; `now` is the current time in the same terms. Due times at or before `now` mean "send now".
    public mutating func admit(timestampMillis: Int64, now: Int64) -> Int64 {
        switch pacing {
        case .unlimited:
            return now
        case .rate(let rate):
            var due = origin + Self.nanoseconds(events: admitted, rate: rate)
            let earliest = now - Self.nanoseconds(events: burst, rate: rate)
            if due < earliest {
                origin = earliest
                admitted = 0
                due = earliest
            }
            admitted += 1
            return due
        case .speed(let factor):
            guard let first = firstTimestampMillis else {
                firstTimestampMillis = timestampMillis
                origin = now
                return now
            }
            let logTime = Double(timestampMillis - first) * 1e6
            return origin + Int64((max(0, logTime) / factor).rounded())
        }
    }

    /// The time `events` events take at `rate`, rounded to the nearest nanosecond.
    private static func nanoseconds(events: Int64, rate: Double) -> Int64 {
        Int64((Double(events) * 1e9 / rate).rounded())
    }
}
