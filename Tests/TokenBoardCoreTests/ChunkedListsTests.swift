import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class ChunkedListsTests: XCTestCase {
    /// Chunks appended to many lists in turn, against one plain array of chunks per list: every list reads back
    /// newest chunk first, each chunk in order; a chunk's start slot stays valid after later appends; a search
    /// from a position finds exactly the elements of the chunks holding that position and later ones; and the
    /// pool holds nothing but the lists' elements.
    func testAgreesWithPlainArraysThroughInterleavedAppends() {
        var rng = SplitMix64(seed: 11)
        for shift in [0, 2, 3] {
            let size = 1 << shift
            var pool = ChunkedLists<Int>(chunkShift: shift)
            var lists = [ChunkedLists<Int>.List](repeating: .init(), count: 20)
            var model = [[[Int]]](repeating: [], count: 20)
            var starts = [[Int]](repeating: [], count: 20)
            var value = 0
            for _ in 0..<(3000 / size) {
                let list = Int.random(in: 0..<20, using: &rng)
                let chunk = Array(value..<value + size)
                value += size
                starts[list].append(chunk.withUnsafeBufferPointer { pool.append(chunk: $0, to: &lists[list]) })
                model[list].append(chunk)
            }
            for list in 0..<20 {
                let newestFirst = Array(model[list].reversed().joined())
                XCTAssertEqual(pool.elements(of: lists[list]), newestFirst, "shift \(shift) list \(list)")
                XCTAssertEqual(Int(lists[list].count), newestFirst.count)
                var walked: [Int] = []
                pool.forEachChunk(of: lists[list]) { start, chunk in
                    XCTAssertEqual(pool[start], chunk[0])
                    walked.append(contentsOf: chunk)
                    return true
                }
                XCTAssertEqual(walked, newestFirst, "chunk by chunk: shift \(shift) list \(list)")
                for (ordinal, start) in starts[list].enumerated() {
                    XCTAssertEqual((0..<size).map { pool[start + $0] }, model[list][ordinal])
                }
                let count = newestFirst.count
                for position in [0, 1, size, count / 2, count - 1] where position < count {
                    // Positions count from the oldest element; the chunk holding `position` starts at a multiple
                    // of the chunk size.
                    let oldestFirst = Array(model[list].joined())
                    let searched = Set(oldestFirst[(position / size * size)...])
                    for element in [oldestFirst[0], oldestFirst[position], oldestFirst[count - 1]] {
                        let slot = pool.firstSlot(in: lists[list], from: position) { $0 == element }
                        if searched.contains(element) {
                            XCTAssertEqual(slot.map { pool[$0] }, element, "shift \(shift) position \(position)")
                        } else {
                            XCTAssertNil(slot, "shift \(shift) position \(position) element \(element)")
                        }
                    }
                }
            }
            XCTAssertEqual(pool.slotCount, value, "shift \(shift)")
        }
    }

    /// Lists of very different lengths (empty ones too) walked side by side: each list's chunks arrive newest
    /// first and whole, whatever the other lists do, and a list may be named twice.
    func testChainsWalkedSideBySideReadBackWhole() {
        var rng = SplitMix64(seed: 17)
        var pool = ChunkedLists<Int>(chunkShift: 2)
        var lists = [ChunkedLists<Int>.List](repeating: .init(), count: 40)
        var model = [[Int]](repeating: [], count: 40)
        for value in stride(from: 0, to: 20_000, by: 4) {
            // Skewed: low lists get most chunks; list 39 none.
            let list = min(Int.random(in: 0..<39, using: &rng), Int.random(in: 0..<39, using: &rng))
            let chunk = Array(value..<value + 4)
            chunk.withUnsafeBufferPointer { _ = pool.append(chunk: $0, to: &lists[list]) }
            model[list] = chunk + model[list]
        }
        let asked = Array(0..<40) + [3, 3, 39]
        var seen = [[Int]](repeating: [], count: asked.count)
        pool.forEachChunk(ofEach: asked.map { lists[$0] }) { i, chunk in seen[i].append(contentsOf: chunk) }
        for (i, list) in asked.enumerated() { XCTAssertEqual(seen[i], model[list], "list \(list)") }
        XCTAssertEqual(model[39], [])
        XCTAssertGreaterThan(model[0].count, 1000)
    }

    /// Enough elements to fill several pool segments: every list still reads back whole, and a chunk's slots
    /// lie in one segment. Elements of 128 bytes, so a segment is 16,384 of them and the lists stay short enough
    /// for a quick test.
    func testListsSpanningSeveralSegments() {
        typealias Wide = SIMD16<Int64>
        var rng = SplitMix64(seed: 13)
        var pool = ChunkedLists<Wide>(chunkShift: 3)
        var lists = [ChunkedLists<Wide>.List](repeating: .init(), count: 7)
        var model = [[Wide]](repeating: [], count: 7)
        let segment = SegmentedArray<Wide>.segmentSize
        XCTAssertEqual(segment, 16_384)
        for value in stride(from: 0, to: 3 * segment, by: 8) {
            let list = Int.random(in: 0..<7, using: &rng)
            let chunk = (value..<value + 8).map { Wide(repeating: Int64($0)) }
            let start = chunk.withUnsafeBufferPointer { pool.append(chunk: $0, to: &lists[list]) }
            XCTAssertEqual(start / segment, (start + 7) / segment)
            model[list] = chunk + model[list]
        }
        for list in 0..<7 { XCTAssertEqual(pool.elements(of: lists[list]), model[list]) }
        XCTAssertEqual(pool.slotCount, 3 * segment)
    }

    func testAWalkStopsWhenTheBodySaysSo() {
        var pool = ChunkedLists<Int>(chunkShift: 1)
        var list = ChunkedLists<Int>.List()
        for value in stride(from: 1, through: 9, by: 2) {
            [value, value + 1].withUnsafeBufferPointer { _ = pool.append(chunk: $0, to: &list) }
        }
        var seen: [Int] = []
        pool.forEachChunk(of: list) { _, chunk in
            seen.append(contentsOf: chunk)
            return chunk[0] > 6
        }
        XCTAssertEqual(seen, [9, 10, 7, 8, 5, 6])
        var empty = 0
        pool.forEachChunk(of: ChunkedLists<Int>.List()) { _, _ in
            empty += 1
            return true
        }
        XCTAssertEqual(empty, 0)
        XCTAssertNil(pool.firstSlot(in: ChunkedLists<Int>.List()) { _ in true })
    }
}
