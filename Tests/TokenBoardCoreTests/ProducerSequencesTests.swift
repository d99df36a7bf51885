import TokenBoardCore
import TokenBoardWorkload
import XCTest

final class ProducerSequencesTests: XCTestCase {
    func testGenerationsTurnOverAtCapacity() {
        var producers = ProducerSequences(capacity: 3)
        for producer: UInt64 in 1...3 { producers.applied(producer: producer, sequence: 1) }
        // A fourth producer turns the generations over: 1, 2 and 3 are still remembered, in the older one.
        producers.applied(producer: 4, sequence: 1)
        XCTAssertEqual(producers.count, 4)
        XCTAssertEqual(producers.verdict(producer: 1, sequence: 1), .duplicate)
        XCTAssertEqual(producers.verdict(producer: 1, sequence: 2), .next)
        XCTAssertEqual(producers.verdict(producer: 1, sequence: 3), .gap(expected: 2))
        // Producer 1 sends again: it moves to the current generation and survives the next turn-over.
        producers.applied(producer: 1, sequence: 2)
        producers.applied(producer: 5, sequence: 1)
        producers.applied(producer: 6, sequence: 1)
        // Current was {4, 1, 5} and full; 6 turned it over, so the older generation {4, 1, 5} keeps 1, and 2 and
        // 3 are gone: their batches would count again, as for a producer never seen.
        XCTAssertEqual(producers.remembered.map(\.producer), [1, 4, 5, 6])
        XCTAssertEqual(producers.lastSequence(of: 1), 2)
        XCTAssertEqual(producers.verdict(producer: 2, sequence: 1), .next)
        producers.applied(producer: 7, sequence: 1)
        producers.applied(producer: 8, sequence: 1)
        producers.applied(producer: 9, sequence: 1)
        XCTAssertEqual(producers.remembered.map(\.producer), [6, 7, 8, 9])
        XCTAssertEqual(producers.verdict(producer: 2, sequence: 1), .next)
        XCTAssertEqual(producers.verdict(producer: 1, sequence: 3), .gap(expected: 1))
        // Producer 0 is unnumbered: always applied, never remembered.
        producers.applied(producer: 0, sequence: 5)
        XCTAssertEqual(producers.verdict(producer: 0, sequence: 5), .next)
        XCTAssertEqual(producers.count, 4)
    }

    /// Against a reference that remembers everything: a producer with at most `capacity` other producers since
    /// its last batch must get the same verdict, and the table never holds more than two generations.
    func testAProducerIsRememberedWhileAtMostCapacityOthersSentSince() {
        var rng = SplitMix64(seed: 31)
        for capacity in [1, 2, 5, 40] {
            var producers = ProducerSequences(capacity: capacity)
            var reference: [UInt64: UInt64] = [:]
            var history: [UInt64] = []
            for _ in 0..<4000 {
                let producer = UInt64.random(in: 1...UInt64(capacity * 4), using: &rng)
                let since = Set(history.reversed().prefix { $0 != producer })
                let known = history.contains(producer)
                let expected = ProducerSequences.Verdict.next
                let sequence = (reference[producer] ?? 0) + 1
                if !known || since.count <= capacity {
                    XCTAssertEqual(producers.verdict(producer: producer, sequence: sequence), expected)
                    if known {
                        XCTAssertEqual(producers.verdict(producer: producer, sequence: sequence - 1), .duplicate)
                    }
                }
                let verdict = producers.verdict(producer: producer, sequence: sequence)
                if verdict == .next || producers.lastSequence(of: producer) == 0 {
                    producers.applied(producer: producer, sequence: sequence)
                    reference[producer] = sequence
                }
                history.append(producer)
                XCTAssertLessThanOrEqual(producers.count, 2 * capacity)
            }
        }
    }
}
