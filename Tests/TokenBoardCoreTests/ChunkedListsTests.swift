import TokenBoardWorkload
import XCTest

@testable import TokenBoardCore

final class ChunkedListsTests: XCTestCase {
    /// Interleaved appends to many lists, against one plain array per list: every list reads back in order,
    /// slots stay valid after later appends, and walking from a middle position sees the rest of the list.
    func testAgreesWithPlainArraysThroughInterleavedAppends() {
        var rng = SplitMix64(seed: 11)
        for shift in [0, 2, 3] {
            var pool = ChunkedLists<Int>(chunkShift: shift, filler: -1)
            var lists = [ChunkedLists<Int>.List](repeating: .init(), count: 20)
            var model = [[Int]](repeating: [], count: 20)
            var slots = [[Int]](repeating: [], count: 20)
            for value in 0..<3000 {
                let list = Int.random(in: 0..<20, using: &rng)
                slots[list].append(pool.append(value, to: &lists[list]))
                model[list].append(value)
            }
            for list in 0..<20 {
                XCTAssertEqual(pool.elements(of: lists[list]), model[list], "shift \(shift) list \(list)")
                var chunked: [Int] = []
                pool.forEachChunk(of: lists[list]) { chunked.append(contentsOf: $0) }
                XCTAssertEqual(chunked, model[list], "chunk by chunk: shift \(shift) list \(list)")
                XCTAssertEqual(slots[list].map { pool[$0] }, model[list])
                XCTAssertEqual(Int(lists[list].count), model[list].count)
                for position in [0, 1, 5, model[list].count - 1] where position < model[list].count {
                    XCTAssertEqual(pool.slot(at: position, in: lists[list]), slots[list][position])
                    var rest: [Int] = []
                    pool.forEachSlot(of: lists[list], from: (slots[list][position], position)) { slot in
                        rest.append(pool[slot])
                        return true
                    }
                    XCTAssertEqual(rest, Array(model[list][position...]))
                }
            }
            // Each list's chunks grow base, base, 2 base, 2 base, then 4 base each: the pool holds exactly the chunks
            // the lists need.
            func capacity(_ count: Int) -> Int {
                var total = 0
                var ordinal = 0
                while total < count {
                    total += (1 << shift) << min(ordinal / 2, 2)
                    ordinal += 1
                }
                return total
            }
            XCTAssertEqual(pool.slotCount, model.map { capacity($0.count) }.reduce(0, +), "shift \(shift)")
        }
    }

    /// Lists of very different lengths (empty ones too) walked side by side: each list's chunks arrive in order
    /// and whole, whatever the other lists do, and a list may be named twice.
    func testChainsWalkedSideBySideReadBackWhole() {
        var rng = SplitMix64(seed: 17)
        var pool = ChunkedLists<Int>(chunkShift: 2, filler: -1)
        var lists = [ChunkedLists<Int>.List](repeating: .init(), count: 40)
        var model = [[Int]](repeating: [], count: 40)
        for value in 0..<20_000 {
            // Skewed: low lists get most elements; list 39 none.
            let list = min(Int.random(in: 0..<39, using: &rng), Int.random(in: 0..<39, using: &rng))
            pool.append(value, to: &lists[list])
            model[list].append(value)
        }
        let asked = Array(0..<40) + [3, 3, 39]
        var seen = [[Int]](repeating: [], count: asked.count)
        pool.forEachChunk(ofEach: asked.map { lists[$0] }) { i, chunk in seen[i].append(contentsOf: chunk) }
        for (i, list) in asked.enumerated() { XCTAssertEqual(seen[i], model[list], "list \(list)") }
        XCTAssertEqual(model[39], [])
        XCTAssertGreaterThan(model[0].count, 1000)
    }

    /// Enough elements to fill several pool segments: chunks that would straddle a segment end start the next
    /// segment instead, and every list still reads back whole. Elements of 128 bytes, so a segment is 16,384 of
    /// them and the lists stay short enough for a quick test.
    func testListsSpanningSeveralSegments() {
        typealias Wide = SIMD16<Int64>
        var rng = SplitMix64(seed: 13)
        var pool = ChunkedLists<Wide>(chunkShift: 3, filler: Wide(repeating: -1))
        var lists = [ChunkedLists<Wide>.List](repeating: .init(), count: 7)
        var model = [[Wide]](repeating: [], count: 7)
        let segment = SegmentedArray<Wide>.segmentSize
        XCTAssertEqual(segment, 16_384)
        for value in 0..<(3 * segment) {
            let list = Int.random(in: 0..<7, using: &rng)
            let element = Wide(repeating: Int64(value))
            pool.append(element, to: &lists[list])
            model[list].append(element)
        }
        for list in 0..<7 {
            XCTAssertEqual(pool.elements(of: lists[list]), model[list])
            let middle = model[list].count / 2
            XCTAssertEqual(pool[pool.slot(at: middle, in: lists[list])], model[list][middle])
        }
        XCTAssertGreaterThan(pool.slotCount, 3 * segment)
    }

    func testAWalkStopsWhenTheBodySaysSo() {
        var pool = ChunkedLists<Int>(chunkShift: 1, filler: 0)
        var list = ChunkedLists<Int>.List()
        for value in 1...9 { pool.append(value, to: &list) }
        var seen: [Int] = []
        pool.forEachSlot(of: list) { slot in
            seen.append(pool[slot])
            return pool[slot] < 4
        }
        XCTAssertEqual(seen, [1, 2, 3, 4])
        var empty = 0
        pool.forEachSlot(of: ChunkedLists<Int>.List()) { _ in
            empty += 1
            return true
        }
        XCTAssertEqual(empty, 0)
    }

    /// The chunk of a position, computed, against walking the chunk sizes one by one.
    func testChunkOfPositionAgreesWithAWalkOverChunkSizes() {
        for shift in 0...4 {
            let pool = ChunkedLists<Int32>(chunkShift: shift, filler: 0)
            var ordinal = 0
            var start = 0
            for position in 0..<5_000 {
                if position == start + pool.chunkSize(ordinal) {
                    start += pool.chunkSize(ordinal)
                    ordinal += 1
                }
                let chunk = pool.chunk(ofPosition: position)
                XCTAssertEqual(chunk.ordinal, ordinal, "shift \(shift) position \(position)")
                XCTAssertEqual(chunk.start, start, "shift \(shift) position \(position)")
            }
        }
    }
}
