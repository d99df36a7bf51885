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
            // Checked near every segment end (and now and then elsewhere): the rest is the same arithmetic.
            if model.count % size < 16 || size - model.count % size < 16 || step % 1_009 == 0 {
                XCTAssertEqual(segmented.roomInSegment, model.count % size == 0 ? 0 : size - model.count % size)
            }
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

    /// A copy shares segments until one side writes: then only that side changes, whichever it is, in any
    /// segment, with and without huge pages.
    func testCopiesAreIndependentValues() {
        for hugePages in [false, true] {
            var original = SegmentedArray<UInt64>(hugePages: hugePages)
            let size = SegmentedArray<UInt64>.segmentSize
            for value in 0..<UInt64(2 * size + 5) { original.append(value) }
            var copy = original
            copy[3] = 1_000
            copy[size + 1] = 2_000
            copy.append(3_000)
            original[2 * size + 4] = 4_000
            XCTAssertEqual(original[3], 3)
            XCTAssertEqual(original[size + 1], UInt64(size + 1))
            XCTAssertEqual(original.count, 2 * size + 5)
            XCTAssertEqual(original[2 * size + 4], 4_000)
            XCTAssertEqual(copy[3], 1_000)
            XCTAssertEqual(copy[size + 1], 2_000)
            XCTAssertEqual(copy[2 * size + 4], UInt64(2 * size + 4))
            XCTAssertEqual(copy.count, 2 * size + 6)
            XCTAssertEqual(copy.last, 3_000)
            // Untouched elements read the same through both.
            XCTAssertEqual(Array(copy[(size + 2)..<(2 * size)]), Array(original[(size + 2)..<(2 * size)]))
        }
    }

    /// A run of elements read in place is exactly the elements at those indices.
    func testContiguousElementsInPlace() {
        var segmented = SegmentedArray<Int32>()
        for value in 0..<Int32(1_000) { segmented.append(value * 3) }
        let run = segmented.withContiguousElements(from: 100, count: 50) { Array($0) }
        XCTAssertEqual(run, (100..<150).map { Int32($0) * 3 })
    }
}
