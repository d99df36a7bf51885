/// The last batch sequence number applied per producer, which makes resending batches safe: a producer numbers
/// the batches it sends one worker 1, 2, 3, … and the worker applies only the next one. Producer 0 is
/// unnumbered and always applied.
public struct ProducerSequences: Sendable, Hashable {
    /// What to do with a numbered batch.
    public enum Verdict: Sendable, Hashable {
        /// The next batch of its producer: apply it.
        case next
        /// Already applied: acknowledge without applying.
        case duplicate
        /// Batches are missing before it: refuse, naming the one expected.
        case gap(expected: UInt64)
    }

    /// The last applied sequence per producer id.
    public internal(set) var last: [UInt64: UInt64] = [:]

    public init() {}

    public func verdict(producer: UInt64, sequence: UInt64) -> Verdict {
        guard producer != 0 else { return .next }
        let previous = last[producer] ?? 0
        if sequence != 0 && sequence <= previous { return .duplicate }
        return sequence == previous + 1 ? .next : .gap(expected: previous + 1)
    }

    /// Records that a producer's batch was applied.
    public mutating func applied(producer: UInt64, sequence: UInt64) {
        guard producer != 0 else { return }
        last[producer] = sequence
    }

    /// Producers known.
    public var count: Int { last.count }
}
