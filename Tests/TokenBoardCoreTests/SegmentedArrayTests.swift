import Foundation
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
            if step % 5 == 0 {
                // Runs of up to 9, so some cross a segment end.
                let run = (0..<UInt32.random(in: 1...9, using: &rng)).map { UInt32(step) &+ $0 }
                run.withUnsafeBufferPointer { segmented.append(contentsOf: $0) }
                model.append(contentsOf: run)
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
        // One run that certainly crosses a segment end.
        let toEnd = size - model.count % size
        let crossing = (0..<UInt32(toEnd + 3)).map { 7_000_000 + $0 }
        crossing.withUnsafeBufferPointer { segmented.append(contentsOf: $0) }
        model.append(contentsOf: crossing)
        XCTAssertEqual(segmented.count % size, 3)
        XCTAssertEqual(segmented.count, model.count)
        XCTAssertEqual(Array(segmented), model)
        segmented.removeAll()
        XCTAssertTrue(segmented.isEmpty)
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

    /// The pages past the newest segment's last element go back to the system (where a huge page had made the
    /// whole segment resident), the elements stay, and appends after it go on as before. Where the kernel grants
    /// no huge page those pages were never resident, and the test checks the same.
    func testUnusedPagesOfTheNewestSegmentAreGivenBack() throws {
        #if os(Linux)
            var pool = SegmentedArray<UInt64>(hugePages: true)
            let size = SegmentedArray<UInt64>.segmentSize
            for i in 0..<(size + 1_000) { pool.append(UInt64(i) &* 3) }
            let newest = pool.withContiguousElements(from: size, count: 1) {
                UnsafeMutableRawPointer(mutating: $0.baseAddress!)
            }
            let first = pool.withContiguousElements(from: 0, count: 1) {
                UnsafeMutableRawPointer(mutating: $0.baseAddress!)
            }
            let segmentBytes = size * 8
            // 1,000 elements: 8,000 bytes, in the newest segment's first two pages.
            pool.releaseUnusedPages()
            XCTAssertEqual(try residentPages(newest + 8192, byteCount: segmentBytes - 8192), 0)
            XCTAssertEqual(try residentPages(newest, byteCount: 8192), 2)
            XCTAssertEqual(
                try residentPages(first, byteCount: segmentBytes),
                segmentBytes / 4096,
                "a full segment keeps its pages"
            )
            // And they stay given back: the kernel's khugepaged may not merge them into a huge page again.
            XCTAssertTrue(
                try ProcessMappings.fields(at: UInt(bitPattern: newest))["VmFlags"]?.contains("nh") ?? false,
                "marked for no huge pages"
            )
            for i in stride(from: 0, to: size + 1_000, by: 7) { XCTAssertEqual(pool[i], UInt64(i) &* 3) }
            for i in (size + 1_000)..<(size + 5_000) { pool.append(UInt64(i) &* 3) }
            for i in (size + 990)..<(size + 5_000) { XCTAssertEqual(pool[i], UInt64(i) &* 3) }
            XCTAssertEqual(pool.count, size + 5_000)
            // 40,000 bytes: ten pages.
            pool.releaseUnusedPages()
            XCTAssertEqual(try residentPages(newest + 40960, byteCount: segmentBytes - 40960), 0)

            // A pool with no segment has nothing to give back.
            SegmentedArray<UInt64>(hugePages: true).releaseUnusedPages()
        #endif
    }

    #if os(Linux)
        /// Resident pages of `byteCount` bytes from `address` (page-aligned), by `mincore`.
        private func residentPages(_ address: UnsafeMutableRawPointer, byteCount: Int) throws -> Int {
            var flags = [UInt8](repeating: 0, count: (byteCount + 4095) / 4096)
            XCTAssertEqual(mincore(address, byteCount, &flags), 0)
            return flags.filter { $0 & 1 != 0 }.count
        }
    #endif
}
