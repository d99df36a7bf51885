/// The last batch sequence number applied per producer, which makes resending batches safe: a producer numbers
/// the batches it sends one worker 1, 2, 3, … and the worker applies only the next one. Producer 0 is
/// unnumbered and always applied.
///
/// Every replay and every HTTP request with an `Idempotency-Key` is a producer of its own, so the table is
/// bounded like the event-id window: two generations, the current one taking every producer that sends a batch,
/// and when it holds `capacity` producers it becomes the previous one and the older generation is dropped. A
/// producer is remembered while at most `capacity` other producers have sent batches since its last one, and
/// at most `2 × capacity` producers are held (16 bytes each plus the dictionary's slack). A producer that
/// resends after being forgotten has its batches applied again, so `capacity` is set well beyond any retry's
/// reach.
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

    /// Producers per generation by default.
    public static let defaultCapacity = 262_144

    public let capacity: Int
    /// The last applied sequence of producers that sent a batch since the generations last turned over.
    private var current: [UInt64: UInt64] = [:]
    /// The generation before, consulted when a producer is not in `current`.
    private var previous: [UInt64: UInt64] = [:]

    public init(capacity: Int = ProducerSequences.defaultCapacity) {
        self.capacity = Swift.max(capacity, 1)
    }

    /// The last applied sequence of `producer`, 0 if it is not remembered.
    public func lastSequence(of producer: UInt64) -> UInt64 {
        current[producer] ?? previous[producer] ?? 0
    }

    public func verdict(producer: UInt64, sequence: UInt64) -> Verdict {
        guard producer != 0 else { return .next }
        let last = lastSequence(of: producer)
        if sequence != 0 && sequence <= last { return .duplicate }
        return sequence == last + 1 ? .next : .gap(expected: last + 1)
    }

    /// Records that a producer's batch was applied.
    public mutating func applied(producer: UInt64, sequence: UInt64) {
        guard producer != 0 else { return }
        if current[producer] == nil && current.count >= capacity {
            previous = current
            current = [:]
        }
        current[producer] = sequence
    }

    /// Producers remembered.
    public var count: Int { current.count + previous.keys.filter { current[$0] == nil }.count }

    /// Every remembered producer's last sequence, by producer id (what a snapshot keeps).
    public var remembered: [(producer: UInt64, sequence: UInt64)] {
        var all = previous
        all.merge(current) { _, newer in newer }
        return all.sorted { $0.key < $1.key }.map { (producer: $0.key, sequence: $0.value) }
    }

    /// Adds a producer as remembered (loading a snapshot, which may hold up to two generations' worth: they
    /// become the current generation, so loading never forgets a producer the snapshot had).
    public mutating func restore(producer: UInt64, sequence: UInt64) {
        current[producer] = sequence
    }
}
