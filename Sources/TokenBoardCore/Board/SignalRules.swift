/// The thresholds of the gaming signals (the `signals` section of `cluster/badges.json`; docs/BOARD.md gives the
/// reason for each).
public struct SignalRules: Sendable, Hashable {
    /// An idle-agent run has at least this many requests: a short burst is not a loop.
    public var idleMinRequests: UInt64
    /// … lasts at least this many minutes from first to last request.
    public var idleMinMinutes: UInt64
    /// … averages at most this many output tokens per request (output ≤ requests × this).
    public var idleMaxOutputPerRequest: UInt64
    /// … and keeps a near-constant cadence: its longest gap between requests is at most this many percent
    /// above its shortest.
    public var idleMaxCadenceSpreadPercent: UInt64
    /// A day counts as around the clock when the employee was active in at least this many of its 24 UTC hours.
    public var aroundClockMinHours: UInt64
    /// An employee is flagged around the clock with at least this many such days in the window.
    public var aroundClockMinDays: UInt64

    public init(
        idleMinRequests: UInt64 = 60,
        idleMinMinutes: UInt64 = 120,
        idleMaxOutputPerRequest: UInt64 = 20,
        idleMaxCadenceSpreadPercent: UInt64 = 10,
        aroundClockMinHours: UInt64 = 20,
        aroundClockMinDays: UInt64 = 3
    ) {
        self.idleMinRequests = idleMinRequests
        self.idleMinMinutes = idleMinMinutes
        self.idleMaxOutputPerRequest = idleMaxOutputPerRequest
        self.idleMaxCadenceSpreadPercent = idleMaxCadenceSpreadPercent
        self.aroundClockMinHours = aroundClockMinHours
        self.aroundClockMinDays = aroundClockMinDays
    }

    /// Whether one session run looks like an idle agent looping. Compared in exact integers.
    public func isIdle(_ run: SessionSpans.Run) -> Bool {
        let requests = UInt64(run.requests)
        guard requests >= idleMinRequests, requests >= 2 else { return false }
        guard
            run.last - run.first >= Int64(clamping: idleMinMinutes.multipliedReportingOverflow(by: 60_000).partialValue)
        else { return false }
        guard run.output <= requests.multipliedReportingOverflow(by: idleMaxOutputPerRequest).partialValue else {
            return false
        }
        // Unknown cadence (0) or a single request (Int64.max) never looks constant.
        guard run.minGap > 0, run.minGap != .max else { return false }
        let longest = UInt64(run.maxGap).multipliedFullWidth(by: 100)
        let allowed = UInt64(run.minGap).multipliedFullWidth(by: 100 + idleMaxCadenceSpreadPercent)
        return (longest.high, longest.low) <= (allowed.high, allowed.low)
    }
}
