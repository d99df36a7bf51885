import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class SessionSpansTests: XCTestCase {
    /// The rule written out plainly, one array of runs per employee: an event extends the newest of the
    /// employee's latest 16 runs with its session when it lies within an hour of it, else starts a run.
    private struct Reference {
        var runs: [[SessionSpans.Run]] = []

        mutating func record(employee: Int, session: UInt64, at millis: Int64, counts: TokenCounts, cost: UInt64) {
            if employee >= runs.count { runs.append(contentsOf: repeatElement([], count: employee + 1 - runs.count)) }
            for i in stride(from: runs[employee].count - 1, through: max(0, runs[employee].count - 16), by: -1)
            where runs[employee][i].session == session {
                let run = runs[employee][i]
                if millis >= run.first - SessionSpans.maxGapMillis && millis <= run.last + SessionSpans.maxGapMillis {
                    runs[employee][i].add(at: millis, counts: counts, cost: cost)
                    return
                }
                break
            }
            var run = SessionSpans.Run(session: session, first: millis, last: millis)
            run.add(at: millis, counts: counts, cost: cost)
            runs[employee].append(run)
        }
    }

    /// Many employees and sessions with events mostly in time order, against the reference: the same runs,
    /// grouped by employee in arrival order, and the same runs reported for a time range; then a restored copy
    /// keeps agreeing.
    func testAgreesWithPerEmployeeArrays() {
        var rng = SplitMix64(seed: 9)
        var spans = SessionSpans()
        var reference = Reference()
        func feed(_ steps: Range<Int>, into spans: inout SessionSpans) {
            for step in steps {
                let employee = Int.random(in: 0..<25, using: &rng)
                let session = UInt64.random(in: 1...40, using: &rng)
                let millis = Int64(step) * 60_000 + Int64.random(in: -7_200_000...0, using: &rng)
                let counts = TokenCounts(input: UInt64(step % 13), output: 2)
                spans.record(
                    employee: Int32(employee),
                    session: session,
                    at: millis,
                    counts: counts,
                    cost: 3,
                    newestDay: 0
                )
                reference.record(employee: employee, session: session, at: millis, counts: counts, cost: 3)
            }
        }
        func check(_ spans: SessionSpans) {
            let expected = reference.runs.enumerated().flatMap { employee, runs in
                runs.map { SessionSpans.Span(employee: Int32(employee), run: $0) }
            }
            XCTAssertEqual(spans.spans, expected)
            XCTAssertEqual(spans.count, expected.count)
            var inRange: [SessionSpans.Span] = []
            spans.forEachRun(endingIn: 30_000_000, 90_000_000) { employee, run in
                inRange.append(SessionSpans.Span(employee: Int32(employee), run: run))
            }
            let sortedByEmployee = inRange.enumerated().sorted {
                ($0.element.employee, $0.offset) < ($1.element.employee, $1.offset)
            }
            XCTAssertEqual(
                sortedByEmployee.map(\.element),
                expected.filter { $0.run.last >= 30_000_000 && $0.run.last < 90_000_000 }
            )
        }
        feed(0..<4000, into: &spans)
        XCTAssertGreaterThan(spans.count, 500)
        check(spans)
        var restored = SessionSpans()
        restored.restore(spans.spans, employees: 25)
        check(restored)
        feed(4000..<6000, into: &restored)
        check(restored)
    }

    /// Gaps are kept in 32 bits: every gap a run can have reads back exactly, the one-request marker too, and a
    /// run with its employee and link is 72 bytes.
    func testGapsRoundTripThroughTheirCompactForm() {
        var run = SessionSpans.Run(session: 1, first: 0, last: 0)
        XCTAssertEqual(run.minGap, .max)
        XCTAssertEqual(run.maxGap, 0)
        for gap: Int64 in [0, 1, 59_999, SessionSpans.maxGapMillis] {
            run.minGap = gap
            run.maxGap = gap
            XCTAssertEqual(run.minGap, gap)
            XCTAssertEqual(run.maxGap, gap)
        }
        run.minGap = .max
        XCTAssertEqual(run.minGap, .max)
        XCTAssertTrue(SessionSpans.Run.isPlausible(minGap: .max, maxGap: 0))
        XCTAssertFalse(SessionSpans.Run.isPlausible(minGap: -1, maxGap: 0))
        XCTAssertFalse(SessionSpans.Run.isPlausible(minGap: 0, maxGap: SessionSpans.maxGapMillis + 1))
        XCTAssertEqual(MemoryLayout<SessionSpans.Run>.stride, 64)
        XCTAssertEqual(MemoryLayout<SessionSpans.Node>.stride, 64)
    }
}
