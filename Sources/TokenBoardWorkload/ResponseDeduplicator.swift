import TokenBoardCore

/// The Claude Code responses already counted in a run, shared by the readers of all its files: a resumed session
/// starts a new file with a copy of the conversation so far, so the same response turns up in several files.
///
/// Holds a 64-bit digest (XXH64) of each response's message id and request id and the total it was counted
/// with: 16 bytes and a hash-table slot per response, not the events.
public final class CountedResponses {
    fileprivate var totals: [UInt64: UInt64] = [:]

    /// No response counted yet.
    public init() {}

    /// How many distinct responses have been counted.
    public var count: Int { totals.count }
}

/// Keeps one event per Claude Code response, the copy with the largest total, in the order responses first
/// appear.
///
/// Claude Code writes a response that has several content blocks (thinking, text, tool calls) as several lines,
/// one per block, each with the response's `message.id`, `requestId` and usage (early lines of a streamed
/// response may carry partial output counts). The copies of one response follow each other closely, so the
/// deduplicator holds the newest `window` distinct responses back: a copy that arrives while its response is
/// held replaces it if its total is larger. A response leaves the window when `window` newer ones have arrived
/// or the file ends; its total is then remembered in `CountedResponses`, and any later copy (further on, or in a
/// later file) is dropped as a duplicate, or reported if it is larger (`laterCopyLarger`) since it can no longer
/// replace what was counted. Lines without a message id or a request id cannot be matched and each counts.
struct ResponseDeduplicator {
    private struct Held {
        var key: UInt64?
        var event: UsageEvent
    }

    private let window: Int
    private let counted: CountedResponses
    /// Held responses in order of first appearance; `head` is the oldest still held.
    private var held: [Held] = []
    private var head = 0
    /// A held response's position in `held`, by key.
    private var positions: [UInt64: Int] = [:]

    init(counted: CountedResponses, window: Int) {
        precondition(window > 0)
        self.counted = counted
        self.window = window
    }

    /// Takes one response copy. Appends the oldest held response to `events` when the window overflows; returns
    /// `.skipped` for a copy of a response already held or counted.
    mutating func add(_ event: UsageEvent, messageID: String?, requestID: String?, into events: inout [UsageEvent])
        throws(LogLineError.Reason) -> DecodedLine
    {
        var key: UInt64?
        if let messageID, let requestID {
            var digest = XXH64()
            digest.update(messageID)
            digest.update(requestID)
            key = digest.finish()
        }
        if let key {
            if let position = positions[key] {
                if event.counts.total > held[position].event.counts.total {
                    // The response keeps its place; only its counts and time come from the larger copy.
                    held[position].event = event
                }
                return .skipped
            }
            if let total = counted.totals[key] {
                guard event.counts.total <= total else {
                    throw .laterCopyLarger(id: event.id, counted: total, found: event.counts.total)
                }
                return .skipped
            }
            positions[key] = held.count
        }
        held.append(Held(key: key, event: event))
        if held.count - head > window { release(into: &events) }
        return .usage
    }

    /// Once the file has ended: appends up to `max` held responses, oldest first; returns how many.
    mutating func drain(into events: inout [UsageEvent], max: Int) -> Int {
        var appended = 0
        while appended < max && head < held.count {
            release(into: &events)
            appended += 1
        }
        return appended
    }

    private mutating func release(into events: inout [UsageEvent]) {
        let oldest = held[head]
        head += 1
        if let key = oldest.key {
            positions[key] = nil
            counted.totals[key] = oldest.event.counts.total
        }
        events.append(oldest.event)
        if head == held.count {
            held.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= held.count {
            // Drop the released front now and then; positions move down by as much.
            held.removeFirst(head)
            let shift = head
            positions = positions.mapValues { $0 - shift }
            head = 0
        }
    }
}
