/// The wall time of every agent session a shard has seen: first and last event per (employee, session), for
/// the "Session Immortal" title. A session is named by the 64-bit FNV-1a digest of its id (`EventKey.digest`),
/// so no session string is kept; events without a session are not tracked.
///
/// A run of one session id ends at a silence longer than `maxGapMillis` (one hour): a later event of the same
/// id starts a new span. Tools reuse session ids (a per-day counter, a resumed conversation), and a session that
/// went quiet for hours is not one continuous run of work. Events are expected in about time order per session;
/// one arriving more than an hour before its run's first event starts a span of its own.
///
/// Memory: 24 bytes per session plus its index entry (about 60 bytes in all). The table holds at most
/// `capacity` sessions (default 1,000,000, about 60 MB); when it is full, sessions whose last event is more than
/// `horizonDays` (90) before the newest day are dropped — they can only matter to windows ending that far back —
/// and if that frees nothing, further new sessions are not tracked (counted in `untracked`).
public struct SessionSpans: Sendable {
    struct Span: Sendable, Hashable {
        var employee: Int32
        var session: UInt64
        var first: Int64
        var last: Int64
    }

    private struct Key: Hashable {
        var employee: Int32
        var session: UInt64
    }

    public static let defaultCapacity = 1_000_000
    public static let horizonDays = 90
    /// The longest silence within one run of a session.
    public static let maxGapMillis: Int64 = 3_600_000

    let capacity: Int
    private(set) var spans: [Span] = []
    private var index: [Key: Int32] = [:]
    /// New sessions not tracked because the table was full.
    public private(set) var untracked: UInt64 = 0
    /// The cutoff of the last prune: pruning again before the newest day moves on would free nothing, and a
    /// full table would otherwise scan itself on every new session.
    private var prunedBefore = Int64.min

    init(capacity: Int = SessionSpans.defaultCapacity) {
        self.capacity = capacity
    }

    /// Notes one event of `session` (a digest; 0 means none) at `millis`.
    @inline(__always)
    mutating func record(employee: Int32, session: UInt64, at millis: Int64, newestDay: Int32) {
        guard session != 0 else { return }
        let key = Key(employee: employee, session: session)
        if let found = index[key] {
            let i = Int(found)
            if millis >= spans[i].first - Self.maxGapMillis && millis <= spans[i].last + Self.maxGapMillis {
                if millis < spans[i].first { spans[i].first = millis }
                if millis > spans[i].last { spans[i].last = millis }
                return
            }
        }
        if spans.count >= capacity {
            let cutoff = Day(number: newestDay).adding(days: -Self.horizonDays).startMillis
            if cutoff > prunedBefore {
                prune(before: cutoff)
                prunedBefore = cutoff
            }
            guard spans.count < capacity else {
                untracked &+= 1
                return
            }
        }
        index[key] = Int32(spans.count)
        spans.append(Span(employee: employee, session: session, first: millis, last: millis))
    }

    /// Drops sessions that ended before `cutoff` (Unix ms).
    private mutating func prune(before cutoff: Int64) {
        spans.removeAll { $0.last < cutoff }
        rebuildIndex()
    }

    /// Replaces every span (loading a snapshot).
    mutating func restore(_ spans: [Span]) {
        self.spans = spans
        prunedBefore = .min
        rebuildIndex()
    }

    /// Points each (employee, session) at its latest run: spans are appended in arrival order, so the last one.
    private mutating func rebuildIndex() {
        index.removeAll(keepingCapacity: true)
        for (i, span) in spans.enumerated() { index[Key(employee: span.employee, session: span.session)] = Int32(i) }
    }
}
