/// How far past the receiving worker's clock an event may be dated.
///
/// The board's default day is the newest day any event carries, so one event dated years ahead (a gateway or
/// laptop with a wrong clock) would move every window past all real usage and leave every board empty. Such a batch
/// is refused whole, before it is logged.
public struct FutureLimit: Sendable, Hashable {
    /// Whole days of tolerance past the clock.
    public var days: Int

    /// The most days a limit may allow (a hundred years: in effect no limit).
    public static let maxDays = 36_500

    /// A day: clocks disagree by seconds, and time zones by hours, not by days.
    public static let standard = FutureLimit(days: 1)

    public init(days: Int) {
        self.days = Swift.min(Swift.max(days, 0), Self.maxDays)
    }

    /// The latest timestamp (Unix ms) accepted when the clock reads `nowMillis`.
    public func latestMillis(now nowMillis: Int64) -> Int64 {
        nowMillis.addingReportingOverflow(Int64(days) * 86_400_000).partialValue
    }

    /// Throws for the first event of `batch` dated after `latestMillis(now:)`.
    public func check(_ batch: EventBatch, nowMillis: Int64) throws(BatchError) {
        try check(batch.events, nowMillis: nowMillis)
    }

    /// Throws for the first event of `batch` dated after `latestMillis(now:)`; the events are walked only when
    /// their bounds show one is.
    public func check(_ batch: IngestBatch, nowMillis: Int64) throws(BatchError) {
        guard batch.bounds.latestMillis > latestMillis(now: nowMillis) else { return }
        try check(batch.events, nowMillis: nowMillis)
    }

    private func check(_ events: [BatchedEvent], nowMillis: Int64) throws(BatchError) {
        let latest = latestMillis(now: nowMillis)
        guard let index = events.firstIndex(where: { $0.timestampMillis > latest }) else { return }
        let dated = Day(timestampMillis: events[index].timestampMillis)
        throw BatchError(
            eventIndex: index,
            reason:
                "the event is dated \(dated), more than \(days) day\(days == 1 ? "" : "s") after this worker's clock (\(Day(timestampMillis: nowMillis))); fix the sender's clock, or start the worker with a larger --max-future-days"
        )
    }
}
