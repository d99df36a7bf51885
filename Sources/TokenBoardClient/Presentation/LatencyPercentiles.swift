/// A latency distribution in five numbers, as replay summaries print it. Values are microseconds; HDR
/// percentiles are exact below 2 ms and within 0.1% above (the histogram keeps three significant digits), the
/// maximum is exact.
public struct LatencyPercentiles: Sendable, Hashable, Codable {
    /// Samples the figures cover.
    public var count: UInt64
    public var p50Microseconds: UInt64
    public var p90Microseconds: UInt64
    public var p99Microseconds: UInt64
    public var p999Microseconds: UInt64
    public var maxMicroseconds: UInt64

    /// The figures of a distribution; all zero for no samples.
    public init(
        count: UInt64 = 0,
        p50Microseconds: UInt64 = 0,
        p90Microseconds: UInt64 = 0,
        p99Microseconds: UInt64 = 0,
        p999Microseconds: UInt64 = 0,
        maxMicroseconds: UInt64 = 0
    ) {
        self.count = count
        self.p50Microseconds = p50Microseconds
        self.p90Microseconds = p90Microseconds
        self.p99Microseconds = p99Microseconds
        self.p999Microseconds = p999Microseconds
        self.maxMicroseconds = maxMicroseconds
    }

    enum CodingKeys: String, CodingKey {
        case count
        case p50Microseconds = "p50_us"
        case p90Microseconds = "p90_us"
        case p99Microseconds = "p99_us"
        case p999Microseconds = "p99_9_us"
        case maxMicroseconds = "max_us"
    }

    /// `p50 1.25 ms, p90 3.40 ms, p99 12.1 ms, p99.9 40.0 ms, max 51.3 ms (1,024 batches)`.
    public func line(unit: String = "batches") -> String {
        guard count > 0 else { return "no samples" }
        let figures = [
            ("p50", p50Microseconds), ("p90", p90Microseconds), ("p99", p99Microseconds),
            ("p99.9", p999Microseconds), ("max", maxMicroseconds),
        ]
        return figures.map { "\($0.0) \(Self.milliseconds($0.1))" }.joined(separator: ", ")
            + " (\(Formatting.grouped(count)) \(unit))"
    }

    /// Microseconds as milliseconds with three significant digits (at least two decimals below 10 ms):
    /// `850` → `0.85 ms`, `12_345` → `12.3 ms`, `1_234_567` → `1,235 ms`.
    public static func milliseconds(_ microseconds: UInt64) -> String {
        if microseconds >= 100_000 {
            return Formatting.grouped((microseconds + 500) / 1000) + " ms"
        }
        if microseconds >= 10_000 {
            let tenths = (microseconds + 50) / 100
            return "\(tenths / 10).\(tenths % 10) ms"
        }
        let hundredths = (microseconds + 5) / 10
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
    }
}
