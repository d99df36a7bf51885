import Histogram

/// Latencies in an HDR histogram (HdrHistogram): microsecond resolution, three significant digits, up to an
/// hour; constant memory however many samples. Longer samples count as an hour.
public struct LatencyHistogram: Sendable {
    /// The longest latency told apart from longer ones, in microseconds.
    public static let highestTrackableMicroseconds: UInt64 = 3_600_000_000

    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1,
        highestTrackableValue: LatencyHistogram.highestTrackableMicroseconds,
        numberOfSignificantValueDigits: .three
    )

    public init() {}

    /// Records one sample, rounded down to whole microseconds.
    public mutating func record(_ latency: Duration) {
        let (seconds, attoseconds) = latency.components
        guard seconds >= 0 else {
            histogram.record(0)
            return
        }
        let microseconds = UInt64(seconds).saturatingMultiply(1_000_000).saturatingAdd(
            UInt64(attoseconds / 1_000_000_000_000)
        )
        record(microseconds: microseconds)
    }

    /// Records one sample given in microseconds.
    public mutating func record(microseconds: UInt64) {
        histogram.record(min(microseconds, Self.highestTrackableMicroseconds))
    }

    /// Samples recorded.
    public var count: UInt64 { histogram.totalCount }

    /// p50, p90, p99, p99.9 and the largest sample.
    public var percentiles: LatencyPercentiles {
        guard histogram.totalCount > 0 else { return LatencyPercentiles() }
        return LatencyPercentiles(
            count: histogram.totalCount,
            p50Microseconds: histogram.valueAtPercentile(50),
            p90Microseconds: histogram.valueAtPercentile(90),
            p99Microseconds: histogram.valueAtPercentile(99),
            p999Microseconds: histogram.valueAtPercentile(99.9),
            maxMicroseconds: histogram.maxRecorded
        )
    }
}
