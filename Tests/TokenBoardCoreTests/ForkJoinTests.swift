import Dispatch
import Foundation
import XCTest

@testable import TokenBoardCore

final class ForkJoinTests: XCTestCase {
    /// Not concurrently: the first, then the second, on the calling thread.
    func testOneAfterTheOther() {
        var order: [String] = []
        var threads: [Thread] = []
        ForkJoin.run(
            concurrently: false,
            {
                order.append("first")
                threads.append(Thread.current)
            },
            {
                order.append("second")
                threads.append(Thread.current)
            }
        )
        XCTAssertEqual(order, ["first", "second"])
        XCTAssertEqual(threads, [Thread.current, Thread.current])
    }

    /// Concurrently: each waits for a signal only the other sends, so both must be running at once; and both
    /// have finished, with their writes visible, when `run` returns.
    func testSideBySide() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: dispatch may run both in turn")
        let firstStarted = DispatchSemaphore(value: 0)
        let secondStarted = DispatchSemaphore(value: 0)
        var firstSawSecond = false
        var secondSawFirst = false
        var sums = (0, 0)
        ForkJoin.run(
            concurrently: true,
            {
                firstStarted.signal()
                firstSawSecond = secondStarted.wait(timeout: .now() + 30) == .success
                sums.0 = (1...1000).reduce(0, +)
            },
            {
                secondStarted.signal()
                secondSawFirst = firstStarted.wait(timeout: .now() + 30) == .success
                sums.1 = (1...2000).reduce(0, +)
            }
        )
        XCTAssertTrue(firstSawSecond)
        XCTAssertTrue(secondSawFirst)
        XCTAssertEqual(sums.0, 500_500)
        XCTAssertEqual(sums.1, 2_001_000)
    }
}
