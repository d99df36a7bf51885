import TokenBoardClient
import XCTest

final class LatencyHistogramTests: XCTestCase {
    func testPercentilesOfOneToAThousandMicroseconds() {
        var histogram = LatencyHistogram()
        // Shuffled so that the order of recording cannot matter.
        for value in (1...1000).shuffled() { histogram.record(microseconds: UInt64(value)) }
        // Below 2,048 µs the histogram is exact: the p-th percentile of 1…1000 is the value ⌈p × 10⌉.
        XCTAssertEqual(
            histogram.percentiles,
            LatencyPercentiles(
                count: 1000,
                p50Microseconds: 500,
                p90Microseconds: 900,
                p99Microseconds: 990,
                p999Microseconds: 999,
                maxMicroseconds: 1000
            )
        )
        XCTAssertEqual(
            histogram.percentiles.line(),
            "p50 0.50 ms, p90 0.90 ms, p99 0.99 ms, p99.9 1.00 ms, max 1.00 ms (1,000 batches)"
        )
    }

    func testTwoSlowSamplesShowOnlyInTheTailAndTheMaximumIsExact() {
        var histogram = LatencyHistogram()
        for _ in 0..<998 { histogram.record(.microseconds(1500)) }
        histogram.record(.milliseconds(12_345))
        histogram.record(.milliseconds(12_345))
        let figures = histogram.percentiles
        XCTAssertEqual(figures.p50Microseconds, 1500)
        // p99 is the 990th of 1,000 samples, p99.9 the 999th: a slow one, reported as the top of its bucket,
        // within 0.1% (three significant digits).
        XCTAssertEqual(figures.p99Microseconds, 1500)
        XCTAssertEqual(Double(figures.p999Microseconds), 12_345_000, accuracy: 12_345)
        XCTAssertEqual(figures.maxMicroseconds, 12_345_000)
        XCTAssertTrue(figures.line().hasSuffix("max 12,345 ms (1,000 batches)"), figures.line())
    }

    func testDurationsRoundDownToMicrosecondsAndClampAtAnHour() {
        var histogram = LatencyHistogram()
        histogram.record(.nanoseconds(1999))
        XCTAssertEqual(histogram.percentiles.maxMicroseconds, 1)
        histogram.record(.seconds(7200))
        XCTAssertEqual(histogram.percentiles.maxMicroseconds, 3_600_000_000)
        histogram.record(.nanoseconds(-5))
        XCTAssertEqual(histogram.count, 3)
    }

    func testNoSamples() {
        let histogram = LatencyHistogram()
        XCTAssertEqual(histogram.percentiles, LatencyPercentiles())
        XCTAssertEqual(histogram.percentiles.line(), "no samples")
    }

    func testMillisecondFormatting() {
        XCTAssertEqual(LatencyPercentiles.milliseconds(0), "0.00 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(5), "0.01 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(850), "0.85 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(9_994), "9.99 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(12_345), "12.3 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(99_949), "99.9 ms")
        XCTAssertEqual(LatencyPercentiles.milliseconds(1_234_567), "1,235 ms")
    }

    func testJSONKeys() throws {
        let figures = LatencyPercentiles(
            count: 4,
            p50Microseconds: 1,
            p90Microseconds: 2,
            p99Microseconds: 3,
            p999Microseconds: 4,
            maxMicroseconds: 5
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        XCTAssertEqual(
            String(decoding: try encoder.encode(figures), as: UTF8.self),
            #"{"count":4,"max_us":5,"p50_us":1,"p90_us":2,"p99_9_us":4,"p99_us":3}"#
        )
    }
}
