/// The wall time of every agent session a shard has seen: first and last event per (employee, session run), for
/// the "Session Immortal" title. A session is named by the 64-bit FNV-1a digest of its id (`EventKey.digest`),
/// so no session string is kept; events without a session are not tracked.
///
/// A run of one session id ends at a silence longer than `maxGapMillis` (one hour): a later event of the same
/// id starts a new run. Tools reuse session ids (a per-day counter, a resumed conversation), and a session that
/// went quiet for hours is not one continuous run of work.
///
/// Runs are kept per employee in arrival order, so an event looks only at its employee's latest
/// `recentRunsSearched` runs, newest first — no hashing on the ingest path. An event whose session is not among
/// them (more than 16 other runs of the same employee since) starts a new run.
///
/// Each run also keeps what the idle-agent signal needs, in O(1) per run: its request count, token, output and
/// cost sums, and the shortest and longest gap between consecutive requests. Gaps are exact for events arriving
/// in time order (and for an event extending a run at either end); an event landing inside a run splits a gap
/// it cannot see, so it marks the run's cadence unknown (`minGap` 0), which never looks idle.
///
/// Memory: 64 bytes per run plus one small array per employee. The table holds at most `capacity` runs (default
/// 1,000,000, about 64 MB); when it is full, runs that ended more than `horizonDays` (90) before the newest day
/// are dropped — they can only matter to windows ending that far back — at most once per newest day, and if that
/// frees nothing, further new runs are not tracked (counted in `untracked`).
public struct SessionSpans: Sendable {
    /// One run, with its employee: the snapshot's and the titles' view.
    public struct Span: Sendable, Hashable {
        public var employee: Int32
        public var run: Run
    }

    /// One run of one session id.
    public struct Run: Sendable, Hashable {
        public var session: UInt64
        public var first: Int64
        public var last: Int64
        /// Events in the run.
        public var requests: UInt32 = 0
        /// Sums over the run's events.
        public var tokens: UInt64 = 0
        public var output: UInt64 = 0
        /// List-price cost in nano-dollars.
        public var cost: UInt64 = 0
        /// The shortest and longest gap between consecutive requests (ms); `minGap` is `Int64.max` while the
        /// run has one request, and 0 when the cadence is unknown (see the type's comment).
        public var minGap: Int64 = .max
        public var maxGap: Int64 = 0

        public init(session: UInt64, first: Int64, last: Int64) {
            self.session = session
            self.first = first
            self.last = last
        }

        /// Adds one event at `millis` within the run's reach.
        @inline(__always)
        mutating func add(at millis: Int64, counts: TokenCounts, cost c: UInt64) {
            requests &+= 1
            tokens = tokens.saturatingAdd(counts.total)
            output = output.saturatingAdd(counts.output)
            cost = cost.saturatingAdd(c)
            if requests == 1 { return }
            let gap: Int64
            if millis >= last {
                gap = millis - last
                last = millis
            } else if millis <= first {
                gap = first - millis
                first = millis
            } else {
                minGap = 0
                return
            }
            if gap < minGap { minGap = gap }
            if gap > maxGap { maxGap = gap }
        }
    }

    public static let defaultCapacity = 1_000_000
    public static let horizonDays = 90
    /// The longest silence within one run of a session.
    public static let maxGapMillis: Int64 = 3_600_000
    /// How many of an employee's latest runs an event is matched against.
    static let recentRunsSearched = 16

    let capacity: Int
    /// Runs per shard-local employee id, in arrival order.
    private(set) var runs: [[Run]] = []
    /// Runs held, over every employee.
    private(set) var count = 0
    /// New runs not tracked because the table was full.
    public private(set) var untracked: UInt64 = 0
    /// The cutoff of the last prune: pruning again before the newest day moves on would free nothing, and a
    /// full table would otherwise scan itself on every new run.
    private var prunedBefore = Int64.min

    init(capacity: Int = SessionSpans.defaultCapacity) {
        self.capacity = capacity
    }

    /// Notes one event of `session` (a digest; 0 means none) at `millis`.
    @inline(__always)
    mutating func record(
        employee: Int32,
        session: UInt64,
        at millis: Int64,
        counts: TokenCounts,
        cost: UInt64,
        newestDay: Int32
    ) {
        guard session != 0 else { return }
        let e = Int(employee)
        if e >= runs.count { runs.append(contentsOf: repeatElement([], count: e + 1 - runs.count)) }
        let end = runs[e].count
        var i = end - 1
        while i >= max(0, end - Self.recentRunsSearched) {
            if runs[e][i].session == session {
                let run = runs[e][i]
                if millis >= run.first - Self.maxGapMillis && millis <= run.last + Self.maxGapMillis {
                    runs[e][i].add(at: millis, counts: counts, cost: cost)
                    return
                }
                break
            }
            i -= 1
        }
        if count >= capacity {
            let cutoff = Day(number: newestDay).adding(days: -Self.horizonDays).startMillis
            if cutoff > prunedBefore {
                prune(before: cutoff)
                prunedBefore = cutoff
            }
            guard count < capacity else {
                untracked &+= 1
                return
            }
        }
        var run = Run(session: session, first: millis, last: millis)
        run.add(at: millis, counts: counts, cost: cost)
        runs[e].append(run)
        count += 1
    }

    /// Drops runs that ended before `cutoff` (Unix ms).
    private mutating func prune(before cutoff: Int64) {
        count = 0
        for e in runs.indices {
            runs[e].removeAll { $0.last < cutoff }
            count += runs[e].count
        }
    }

    /// Every run, by employee id and then in arrival order.
    var spans: [Span] {
        var all: [Span] = []
        all.reserveCapacity(count)
        for (employee, list) in runs.enumerated() {
            for run in list {
                all.append(Span(employee: Int32(employee), run: run))
            }
        }
        return all
    }

    /// Runs whose last event falls in `start..<end` (Unix ms), with their employee.
    func forEachRun(endingIn start: Int64, _ end: Int64, _ body: (Int, Run) -> Void) {
        for (employee, list) in runs.enumerated() {
            for run in list where run.last >= start && run.last < end { body(employee, run) }
        }
    }

    /// Replaces every run (loading a snapshot); `spans` must be grouped by employee in ascending order.
    mutating func restore(_ spans: [Span]) {
        runs = []
        for span in spans {
            let e = Int(span.employee)
            if e >= runs.count { runs.append(contentsOf: repeatElement([], count: e + 1 - runs.count)) }
            runs[e].append(span.run)
        }
        count = spans.count
        prunedBefore = .min
    }
}
