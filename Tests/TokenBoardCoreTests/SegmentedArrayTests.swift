import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class SegmentedArrayTests: XCTestCase {
    /// Appends and writes across several segments, against a plain array.
    func testAgreesWithAnArrayAcrossSegments() {
        var rng = SplitMix64(seed: 2)
        var segmented = SegmentedArray<UInt32>()
        var model: [UInt32] = []
        let size = SegmentedArray<UInt32>.segmentSize
        for step in 0..<(3 * size + 17) {
            XCTAssertEqual(segmented.roomInSegment, model.count % size == 0 ? 0 : size - model.count % size)
            if step % 5 == 0 {
                let run = Int.random(in: 1...9, using: &rng)
                segmented.append(UInt32(step), count: run)
                model.append(contentsOf: repeatElement(UInt32(step), count: run))
            } else {
                segmented.append(UInt32(step))
                model.append(UInt32(step))
            }
            if step % 7 == 0 {
                let index = Int.random(in: 0..<model.count, using: &rng)
                segmented[index] &+= 1
                model[index] &+= 1
            }
        }
        XCTAssertEqual(segmented.count, model.count)
        XCTAssertEqual(Array(segmented), model)
        segmented.removeAll()
        XCTAssertTrue(segmented.isEmpty)
        XCTAssertEqual(segmented.roomInSegment, 0)
    }
}
