import Foundation
import TokenBoardCore

/// Runs an event source (a log reader) on a thread of its own, a few chunks ahead of the consumer, so parsing
/// and sending use two cores. The source is touched only by that thread once the prefetcher starts. A chunk is an
/// array of events (`next(into:)`) or an `EventBatch` (`UsageLogReader.nextBatch`).
public final class PrefetchingSource<Chunk>: @unchecked Sendable {
    /// What the source reports after each chunk: whether more may follow, and how far it has read.
    public typealias Produce = (inout Chunk) throws -> (more: Bool, position: Int64)

    private let condition = NSCondition()
    private var ready: [Chunk] = []
    private var finished = false
    private var cancelled = false
    private var producerReturned = false
    private var failure: (any Error)?
    private var producedPosition: Int64 = 0
    private let depth: Int

    /// Starts producing chunks, at most `depth` ahead of the consumer; `produce` fills one made by `empty` (and a
    /// chunk it leaves empty is not handed out).
    public init(
        depth: Int = 4,
        empty: @escaping () -> Chunk,
        isEmpty: @escaping (Chunk) -> Bool,
        produce: @escaping Produce
    ) {
        self.depth = max(1, depth)
        let makeChunk = UncheckedBox(empty)
        let isEmpty = UncheckedBox(isEmpty)
        let produce = UncheckedBox(produce)
        Thread.detachNewThread { [self] in
            var more = true
            while more {
                var chunk = makeChunk.value()
                do {
                    let step = try produce.value(&chunk)
                    more = step.more
                    condition.lock()
                    producedPosition = step.position
                } catch {
                    condition.lock()
                    failure = error
                    more = false
                }
                while ready.count >= self.depth && !cancelled { condition.wait() }
                if cancelled {
                    finished = true
                    producerReturned = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                if !isEmpty.value(chunk) { ready.append(chunk) }
                if !more {
                    finished = true
                    producerReturned = true
                }
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Hands out the next chunk (waiting for it); nil once the source is exhausted. Rethrows the source's error.
    public func next() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished && failure == nil { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// How far the source had read when it produced its latest chunk.
    public var position: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return producedPosition
    }

    /// Stops the producer thread after its current chunk.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer thread and waits until it has let go of the source, so that whatever the source owns
    /// (a reader's counts of bad lines) can be read safely although the consumer stopped early.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while !producerReturned { condition.wait() }
    }
}

extension PrefetchingSource where Chunk == [UsageEvent] {
    /// Starts producing arrays of up to `chunkSize` events, at most `depth` ahead of the consumer.
    public convenience init(depth: Int = 4, chunkSize: Int = 65536, produce: @escaping Produce) {
        self.init(
            depth: depth,
            empty: {
                var chunk: [UsageEvent] = []
                chunk.reserveCapacity(chunkSize)
                return chunk
            },
            isEmpty: \.isEmpty,
            produce: produce
        )
    }

    /// Appends the next chunk's events (waiting for them); false once the source is exhausted. Rethrows the source's
    /// error.
    public func next(into events: inout [UsageEvent]) throws -> Bool {
        guard let chunk = try next() else { return false }
        events.append(contentsOf: chunk)
        return true
    }
}

extension PrefetchingSource where Chunk == EventBatch {
    /// Starts producing batches (`UsageLogReader.nextBatch`), at most `depth` ahead of the consumer.
    public convenience init(depth: Int = 4, produce: @escaping Produce) {
        self.init(depth: depth, empty: { EventBatch() }, isEmpty: \.isEmpty, produce: produce)
    }
}

private struct UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
