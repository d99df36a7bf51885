import TokenBoardCore
import TokenBoardWorkload
import XCTest

@testable import TokenBoardClient

final class BatchPartitionerTests: XCTestCase {
    private func randomEvents(_ count: Int, seed: UInt64) -> [UsageEvent] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let employee = Int.random(in: 0..<400, using: &rng)
            return UsageEvent(
                id: i % 7 == 0 ? "" : "e-\(i)",
                timestampMillis: 1_790_000_000_000 + Int64(i),
                employee: "emp-\(employee)",
                model: ["m-a", "m-b", "m-c", "m-d"][Int.random(in: 0..<4, using: &rng)],
                tool: ["", "cursor", "cli"][Int.random(in: 0..<3, using: &rng)],
                session: "s-\(employee)-\(Int.random(in: 0..<5, using: &rng))",
                counts: TokenCounts(input: UInt64(i), output: 1, cacheWrite: 2, cacheRead: UInt64(employee))
            )
        }
    }

    /// The independent reference: each worker's events in order, one by one into an `EventBatchBuilder`, a batch
    /// every `batchSize` events and the rest at the end.
    private func reference(_ events: [UsageEvent], map: ShardMap, batchSize: Int) -> [[EventBatch]] {
        var builders = Array(repeating: EventBatchBuilder(), count: map.workers.count)
        var batches = Array(repeating: [EventBatch](), count: map.workers.count)
        for event in events {
            let worker = map.ownerIndex(of: event.employee)
            builders[worker].append(event)
            if builders[worker].count == batchSize { batches[worker].append(builders[worker].take()) }
        }
        for worker in builders.indices where builders[worker].count > 0 {
            batches[worker].append(builders[worker].take())
        }
        return batches
    }

    /// Routes `events`, cut into source batches of `sourceSizes` events (the last one takes the rest), and
    /// collects every worker's batches: event by event (`append`), or in runs (`routeEvents`) as an unpaced
    /// replay does.
    private func partition(
        _ events: [UsageEvent],
        map: ShardMap,
        batchSize: Int,
        sourceSizes: [Int],
        inRuns: Bool = false
    ) -> [[EventBatch]] {
        var partitioner = BatchPartitioner(map: map, capacity: batchSize)
        var batches = Array(repeating: [EventBatch](), count: map.workers.count)
        var start = 0
        var sizes = sourceSizes.makeIterator()
        while start < events.count {
            let end = min(events.count, start + (sizes.next() ?? events.count))
            partitioner.start(EventBatch(converting: events[start..<end]))
            if inRuns {
                var index = 0
                while index < end - start {
                    let step = partitioner.routeEvents(index..<(end - start), fillingUpTo: batchSize)
                    XCTAssertGreaterThan(step.next, index)
                    for (worker, batch) in step.ready {
                        XCTAssertEqual(batch.events.count, batchSize, "no table is full here")
                        batches[worker].append(batch)
                    }
                    index = step.next
                }
            } else {
                for index in 0..<(end - start) {
                    let (worker, overflow) = partitioner.append(index)
                    XCTAssertNil(overflow)
                    if partitioner.count(of: worker) == batchSize { batches[worker].append(partitioner.take(worker)) }
                }
            }
            start = end
        }
        for worker in map.workers.indices where partitioner.count(of: worker) > 0 {
            batches[worker].append(partitioner.take(worker))
        }
        return batches
    }

    /// From one source batch, every worker's batches are exactly those the one-event-at-a-time builder makes: the
    /// same events, and the same tables in the same order.
    func testBatchesOfOneSourceEqualThoseOfTheEventByEventBuilder() {
        let map = ShardMap.initial(workers: ["w1", "w2", "w3", "w4"])
        let events = randomEvents(5000, seed: 7)
        for batchSize in [1, 3, 64, 1000, 10_000] {
            let expected = reference(events, map: map, batchSize: batchSize)
            XCTAssertEqual(partition(events, map: map, batchSize: batchSize, sourceSizes: []), expected)
            XCTAssertEqual(
                partition(events, map: map, batchSize: batchSize, sourceSizes: [], inRuns: true),
                expected,
                "in runs, batch size \(batchSize)"
            )
        }
    }

    /// Source batches of uneven sizes, each with tables of its own: every worker gets the same events in the same
    /// batches as from the builder. A batch that spans two sources may name a string twice (once per source it
    /// took events from), never more often than it has sources.
    func testBatchesOfManySourcesHoldTheBuildersEvents() {
        let map = ShardMap.initial(workers: ["w1", "w2", "w3", "w4"])
        let events = randomEvents(5000, seed: 9)
        var rng = SplitMix64(seed: 3)
        let sourceSizes = (0..<100).map { _ in Int.random(in: 1...900, using: &rng) }
        for (batchSize, inRuns) in [1, 3, 64, 1000, 10_000].flatMap({ [($0, false), ($0, true)] }) {
            let batches = partition(events, map: map, batchSize: batchSize, sourceSizes: sourceSizes, inRuns: inRuns)
            let expected = reference(events, map: map, batchSize: batchSize)
            XCTAssertEqual(batches.map(\.count), expected.map(\.count), "batch size \(batchSize)")
            for (got, want) in zip(batches.joined(), expected.joined()) {
                XCTAssertEqual(got.usageEvents, want.usageEvents, "batch size \(batchSize)")
                XCTAssertEqual(got.events.map(\.eventKey), want.events.map(\.eventKey))
                XCTAssertNoThrow(try got.validate())
            }
        }
        // Batches of 10,000 (one per worker) span every source: a name appears at most once per source.
        let batches = partition(events, map: map, batchSize: 10_000, sourceSizes: sourceSizes, inRuns: true).joined()
        for batch in batches {
            XCTAssertLessThanOrEqual(batch.models.count, 4 * sourceSizes.count)
            XCTAssertEqual(Set(batch.models), ["m-a", "m-b", "m-c", "m-d"])
        }
    }

    /// A worker's batch whose model table is full (65,536 names) is handed back before an event with a new model,
    /// which starts the next batch; an event with a model it already names still joins it.
    func testAFullModelTableHandsTheBatchBackFirst() {
        let map = ShardMap.initial(workers: ["w1"])
        let limit = Int(UInt16.max) + 1
        let events = (0..<(limit + 2)).map { i in
            // The last event repeats the first model.
            UsageEvent(
                timestampMillis: Int64(i),
                employee: "ann",
                model: "m-\(i == limit + 1 ? 0 : i)",
                counts: TokenCounts(input: 1)
            )
        }
        var partitioner = BatchPartitioner(map: map, capacity: 1 << 20)
        var overflows: [EventBatch] = []
        for chunk in [events[0..<40_000], events[40_000...]] {
            partitioner.start(EventBatch(converting: chunk))
            for index in 0..<chunk.count {
                let (worker, overflow) = partitioner.append(index)
                XCTAssertEqual(worker, 0)
                if let overflow { overflows.append(overflow) }
            }
        }
        let rest = partitioner.take(0)
        XCTAssertEqual(overflows.count, 1)
        assertHandedBack(overflows, then: rest, of: events)

        // In runs: the run stops at the event its batch cannot take, and hands that batch out before it.
        partitioner = BatchPartitioner(map: map, capacity: 1 << 20)
        overflows = []
        var stops: [Int] = []
        for chunk in [events[0..<40_000], events[40_000...]] {
            partitioner.start(EventBatch(converting: chunk))
            var index = 0
            while index < chunk.count {
                // No batch reaches the limit here: a batch handed out is one that could not take its next event.
                let step = partitioner.routeEvents(index..<chunk.count, fillingUpTo: 1 << 20)
                for (worker, overflow) in step.ready {
                    stops.append(chunk.startIndex + step.next - 1)
                    XCTAssertEqual(worker, 0)
                    overflows.append(overflow)
                }
                index = step.next
            }
        }
        XCTAssertEqual(stops, [limit], "only the event with the 65,537th model stops a run")
        assertHandedBack(overflows, then: partitioner.take(0), of: events)
    }

    private func assertHandedBack(
        _ overflows: [EventBatch],
        then rest: EventBatch,
        of events: [UsageEvent],
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let limit = Int(UInt16.max) + 1
        XCTAssertEqual(overflows.count, 1, file: file, line: line)
        XCTAssertEqual(overflows.first?.events.count, limit, file: file, line: line)
        XCTAssertEqual(overflows.first?.models.count, limit, file: file, line: line)
        XCTAssertTrue(
            overflows.first?.usageEvents == Array(events[0..<limit]).map(\.withoutID),
            "the first 65,536 events",
            file: file,
            line: line
        )
        XCTAssertEqual(rest.models, ["m-65536", "m-0"], file: file, line: line)
        XCTAssertEqual(rest.usageEvents, Array(events[limit...]).map(\.withoutID), file: file, line: line)
    }
}

extension UsageEvent {
    /// The event as `EventBatch.usageEvents` gives it back (a batch keeps only the id's digest).
    fileprivate var withoutID: UsageEvent {
        var copy = self
        copy.id = ""
        return copy
    }
}
