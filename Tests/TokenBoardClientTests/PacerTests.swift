import TokenBoardClient
import XCTest

/// The pacer's schedule, with times passed in by hand: no clock, no sleeping.
final class PacerTests: XCTestCase {
    private let millisecond: Int64 = 1_000_000
    private let second: Int64 = 1_000_000_000

    func testRateSpacesEventsEvenlyFromTheFirst() {
        var pacer = Pacer(.rate(eventsPerSecond: 1000), burst: 1)
        // At 1,000 events/s event k is due k ms after the start, however early the sender asks.
        XCTAssertEqual(
            (0..<5).map { _ in pacer.admit(timestampMillis: 0, now: 0) },
            [0, 1, 2, 3, 4].map { $0 * millisecond }
        )
    }

    func testRateScheduleDoesNotDriftWithAnInexactInterval() {
        var pacer = Pacer(.rate(eventsPerSecond: 3), burst: 1)
        // 1/3 s is no whole number of nanoseconds; each due time is rounded on its own, never accumulated.
        let first = (0..<4).map { _ in pacer.admit(timestampMillis: 0, now: 0) }
        XCTAssertEqual(first, [0, 333_333_333, 666_666_667, 1_000_000_000])
        var last: Int64 = 0
        for _ in 4...3000 { last = pacer.admit(timestampMillis: 0, now: 0) }
        // Event 3,000 is due at exactly 1,000 s.
        XCTAssertEqual(last, 1000 * second)
    }

    func testRateAfterAStallSendsOneBurstThenKeepsTheRate() {
        var pacer = Pacer(.rate(eventsPerSecond: 1000), burst: 50)
        XCTAssertEqual(pacer.admit(timestampMillis: 0, now: 0), 0)
        // The sender comes back 10 s later: event 1 was due at 1 ms, far more than the 50-event burst (50 ms)
        // behind, so the schedule restarts at 10 s − 50 ms.
        let now = 10 * second
        let due = (0..<52).map { _ in pacer.admit(timestampMillis: 0, now: now) }
        XCTAssertEqual(due[0], now - 50 * millisecond)
        // 51 events are due by now (9.950 s … 10.000 s): the burst; the next one a millisecond later.
        XCTAssertEqual(due.filter { $0 <= now }.count, 51)
        XCTAssertEqual(due[50], now)
        XCTAssertEqual(due[51], now + millisecond)
    }

    func testRateWithinTheBurstKeepsTheOriginalSchedule() {
        var pacer = Pacer(.rate(eventsPerSecond: 1000), burst: 50)
        for _ in 0..<10 { _ = pacer.admit(timestampMillis: 0, now: 0) }
        // 30 ms late for event 10 (due at 10 ms): within the burst, so it is still due at 10 ms and the next
        // ones follow from there, catching up 30 events at once.
        XCTAssertEqual(pacer.admit(timestampMillis: 0, now: 40 * millisecond), 10 * millisecond)
        XCTAssertEqual(pacer.admit(timestampMillis: 0, now: 40 * millisecond), 11 * millisecond)
    }

    func testSpeedFollowsTheLogsOwnTimestamps() {
        var pacer = Pacer(.speed(factor: 60))
        let t0: Int64 = 1_790_000_000_000
        // The first event goes when it is asked for (5 ms into the replay) and sets both origins.
        XCTAssertEqual(pacer.admit(timestampMillis: t0, now: 5 * millisecond), 5 * millisecond)
        // A minute of log later: one second later at 60x.
        XCTAssertEqual(pacer.admit(timestampMillis: t0 + 60_000, now: 6 * millisecond), 5 * millisecond + second)
        // 1 ms of log is 1e6 / 60 = 16,666.67 ns, rounded to 16,667.
        XCTAssertEqual(pacer.admit(timestampMillis: t0 + 1, now: 6 * millisecond), 5 * millisecond + 16_667)
        // An event older than the first is due at once.
        XCTAssertEqual(pacer.admit(timestampMillis: t0 - 1000, now: 7 * millisecond), 5 * millisecond)
    }

    func testSlowMotionSpeed() {
        var pacer = Pacer(.speed(factor: 0.5))
        XCTAssertEqual(pacer.admit(timestampMillis: 1000, now: 0), 0)
        // Half speed: 1 s of log takes 2 s.
        XCTAssertEqual(pacer.admit(timestampMillis: 2000, now: 0), 2 * second)
    }

    func testUnlimitedIsAlwaysDueNow() {
        var pacer = Pacer(.unlimited)
        XCTAssertFalse(pacer.isPaced)
        XCTAssertEqual(pacer.admit(timestampMillis: 0, now: 123), 123)
        XCTAssertEqual(pacer.admit(timestampMillis: 99_999_999, now: 456), 456)
    }

    func testDefaultBurstIsFiftyMillisecondsOfEvents() {
        XCTAssertEqual(Pacer.defaultBurst(for: .rate(eventsPerSecond: 1000)), 50)
        XCTAssertEqual(Pacer.defaultBurst(for: .rate(eventsPerSecond: 2_000_000)), 100_000)
        XCTAssertEqual(Pacer.defaultBurst(for: .rate(eventsPerSecond: 10)), 1)
        XCTAssertEqual(Pacer.defaultBurst(for: .speed(factor: 60)), 1)
    }

    func testRateParsing() {
        XCTAssertEqual(Pacing(rate: "max"), .unlimited)
        XCTAssertEqual(Pacing(rate: "50000/s"), .rate(eventsPerSecond: 50000))
        XCTAssertEqual(Pacing(rate: "50000"), .rate(eventsPerSecond: 50000))
        XCTAssertEqual(Pacing(rate: "50k/s"), .rate(eventsPerSecond: 50000))
        XCTAssertEqual(Pacing(rate: "2.5K"), .rate(eventsPerSecond: 2500))
        XCTAssertEqual(Pacing(rate: "2m/s"), .rate(eventsPerSecond: 2_000_000))
        XCTAssertEqual(Pacing(rate: "0.5/s"), .rate(eventsPerSecond: 0.5))
        for bad in ["", "0", "0/s", "-5", "abc", "nan", "inf", "1e3", "5/m", "k/s", "2g", "1.2.3"] {
            XCTAssertNil(Pacing(rate: bad), bad)
        }
        XCTAssertEqual(Pacing(rate: "50k/s")?.description, "50000/s")
        XCTAssertEqual(Pacing(rate: "0.5")?.description, "0.5/s")
    }

    func testSpeedParsing() {
        XCTAssertEqual(Pacing(speed: "60x"), .speed(factor: 60))
        XCTAssertEqual(Pacing(speed: "60"), .speed(factor: 60))
        XCTAssertEqual(Pacing(speed: "0.5X"), .speed(factor: 0.5))
        for bad in ["", "x", "0x", "-2x", "fast", "60xx", "nanx"] { XCTAssertNil(Pacing(speed: bad), bad) }
        XCTAssertEqual(Pacing(speed: "60x")?.description, "60x")
    }
}
