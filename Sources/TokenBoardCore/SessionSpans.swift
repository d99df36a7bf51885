/// The wall time of every agent session a shard has seen: first and last event per (employee, session run), for
/// the "Session Immortal" title. A session is named by the 64-bit FNV-1a digest of its id (`EventKey.digest`),
/// so no session string is kept; events without a session are not tracked.
///
/// A run of one session id ends at a silence longer than `maxGapMillis` (one hour): a later event of the same
/// id starts a new run. Tools reuse session ids (a per-day counter, a resumed conversation), and a session that
/// went quiet for hours is not one continuous run of work.
///
/// Runs are kept in one array in arrival order, each linked to its employee's previous run. Per employee the
/// latest run and a one-byte tag of the session of each of their latest `recentRunsSearched` runs are known, so an
/// event looks only at its employee's latest 16 runs, newest first, and of those only at runs whose tag matches
/// its session's — no hashing, no per-employee allocation, and mostly one run read on the ingest path. An event
/// whose session is not among them (more than 16 other runs of the same employee since) starts a new run.
///
/// Each run also keeps what the idle-agent signal needs, in O(1) per run: its request count, token, output and
/// cost sums, and the shortest and longest gap between consecutive requests. Gaps are exact for events arriving
/// in time order (and for an event extending a run at either end); an event landing inside a run splits a gap
/// it cannot see, so it marks the run's cadence unknown (`minGap` 0), which never looks idle.
///
/// Memory: 68 bytes per run (a 64-byte node and its employee) plus 24 per employee. The table holds at most
/// `capacity` runs (default 1,000,000, about 68 MB); when it is full, runs that ended more than `horizonDays` (90)
/// before the newest day are dropped — they can only matter to windows ending that far back — at most once per
/// newest day, and if that frees nothing, further new runs are not tracked (counted in `untracked`).
public struct SessionSpans: Sendable {
    /// One run, with its employee: the snapshot's and the titles' view.
    public struct Span: Sendable, Hashable {
        public var employee: Int32
        public var run: Run
    }

    /// One run of one session id.
    public struct Run: Sendable, Hashable, BitwiseCopyable {
        public var session: UInt64
        public var first: Int64
        public var last: Int64
        /// Events in the run.
        public var requests: UInt32 = 0
        /// `minGap` and `maxGap` in 32 bits (`UInt32.max` for `Int64.max`): a gap within a run is at most
        /// `maxGapMillis`, and a run is 64 bytes instead of 72 (a shard holds about 20 runs per employee a month).
        private var shortestGap: UInt32 = .max
        /// Sums over the run's events.
        public var tokens: UInt64 = 0
        public var output: UInt64 = 0
        /// List-price cost in nano-dollars.
        public var cost: UInt64 = 0
        private var longestGap: UInt32 = 0

        /// The shortest and longest gap between consecutive requests (ms); `minGap` is `Int64.max` while the
        /// run has one request, and 0 when the cadence is unknown (see the type's comment). Both are at most
        /// `maxGapMillis` otherwise (a value outside that is kept clamped to 32 bits; `Run.isPlausible` tells).
        public var minGap: Int64 {
            get { shortestGap == .max ? .max : Int64(shortestGap) }
            set { shortestGap = newValue == .max ? .max : UInt32(clamping: newValue) }
        }
        public var maxGap: Int64 {
            get { Int64(longestGap) }
            set { longestGap = UInt32(clamping: newValue) }
        }

        /// Whether `minGap` and `maxGap` are gaps a run can have (for checking a loaded snapshot).
        static func isPlausible(minGap: Int64, maxGap: Int64) -> Bool {
            (minGap == .max || (0...SessionSpans.maxGapMillis).contains(minGap))
                && (0...SessionSpans.maxGapMillis).contains(maxGap)
        }

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
                shortestGap = 0
                return
            }
            // 0 ≤ gap ≤ maxGapMillis: the event is within the run's reach.
            let gap32 = UInt32(truncatingIfNeeded: gap)
            if gap32 < shortestGap { shortestGap = gap32 }
            if gap32 > longestGap { longestGap = gap32 }
        }
    }

    public static let defaultCapacity = 1_000_000
    public static let horizonDays = 90
    /// The longest silence within one run of a session.
    public static let maxGapMillis: Int64 = 3_600_000
    /// How many of an employee's latest runs an event is matched against: the 16 one-byte tags of `Recent`.
    static let recentRunsSearched = 16

    /// A run and its employee's run before it (-1 for none): 64 bytes, the link in the four bytes a `Run` leaves
    /// unused, so a node is one cache line (the pool's segments are aligned) and extending a run reads one line.
    struct Node: Sendable {
        var run: Run
        var previous: Int32
    }

    let capacity: Int
    /// Every run, in arrival order.
    /// In huge pages, as the cell pool: every event reads its employee's latest run, anywhere in tens of MB.
    private(set) var nodes = SegmentedArray<Node>(hugePages: true)
    /// The employee of each run, by the run's index: read only by the scans of every run, not when an event
    /// extends one, so kept apart from the nodes.
    private var owners = SegmentedArray<Int32>()
    /// One employee's latest run and the session tags of their latest 16 runs.
    struct Recent: Sendable {
        /// Index of the latest run, -1 for none.
        var latest: Int32 = -1
        /// Byte `p` of `newerTags` (of `olderTags`) is the tag of the run `p` (`p + 8`) runs before the latest.
        var newerTags: UInt64 = 0
        var olderTags: UInt64 = 0
    }

    /// Per shard-local employee id.
    private var recent: [Recent] = []
    /// Runs held, over every employee.
    var count: Int { nodes.count }
    /// New runs not tracked because the table was full.
    public private(set) var untracked: UInt64 = 0
    /// The cutoff of the last prune: pruning again before the newest day moves on would free nothing, and a
    /// full table would otherwise scan itself on every new run.
    private var prunedBefore = Int64.min

    init(capacity: Int = SessionSpans.defaultCapacity) {
        self.capacity = capacity
    }

    /// Moves the full segments of the runs and their owners to `file`; returns the bytes moved. A run is extended
    /// only while its session goes on, so a full segment holds past runs, read by the titles' scans and, on
    /// ingest, when an event's session tag matches one.
    mutating func moveFullSegments(to file: SpillFile) -> Int {
        nodes.moveFullSegments(to: file) + owners.moveFullSegments(to: file)
    }

    /// Gives back the unused pages of the runs' newest segment (see `SegmentedArray.releaseUnusedPages`).
    func releaseUnusedPages() {
        nodes.releaseUnusedPages()
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
        if e >= recent.count { recent.append(contentsOf: repeatElement(Recent(), count: e + 1 - recent.count)) }
        let tag = Self.tag(session)
        // Positions (runs before the latest) whose tag matches, as the high bit of their byte; a false match is
        // possible and checked below, a missed one is not.
        let known = recent[e]
        var candidates = (Self.matches(tag, in: known.newerTags), Self.matches(tag, in: known.olderTags))
        var i = Int(known.latest)
        var at = 0
        while i >= 0 {
            let position: Int
            if candidates.0 != 0 {
                position = candidates.0.trailingZeroBitCount / 8
                candidates.0 &= candidates.0 - 1
            } else if candidates.1 != 0 {
                position = 8 + candidates.1.trailingZeroBitCount / 8
                candidates.1 &= candidates.1 - 1
            } else {
                break
            }
            while at < position && i >= 0 {
                i = Int(nodes[i].previous)
                at += 1
            }
            guard i >= 0 else { break }
            if nodes[i].run.session == session {
                let run = nodes[i].run
                if millis >= run.first - Self.maxGapMillis && millis <= run.last + Self.maxGapMillis {
                    nodes[i].run.add(at: millis, counts: counts, cost: cost)
                    return
                }
                break
            }
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
        append(run, of: employee)
    }

    /// A one-byte digest of a session digest. FNV-1a's top byte barely changes between ids that differ only in
    /// their last characters (`s-17-0003`, `s-17-0004`), so the digest is multiplied (Fibonacci hashing) first.
    @inline(__always)
    private static func tag(_ session: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: (session &* 0x9e37_79b9_7f4a_7c15) >> 56)
    }

    /// The high bit of every byte of `tags` equal to `tag`, and possibly of some bytes above an equal one (the
    /// classic zero-byte test: no misses, rare false matches).
    @inline(__always)
    private static func matches(_ tag: UInt8, in tags: UInt64) -> UInt64 {
        let x = tags ^ (UInt64(tag) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// Drops runs that ended before `cutoff` (Unix ms), keeping the others in arrival order.
    private mutating func prune(before cutoff: Int64) {
        // Rebuilding is the costly part, and a full table of recent runs has nothing to drop.
        guard nodes.contains(where: { $0.run.last < cutoff }) else { return }
        let old = (nodes: nodes, owners: owners)
        nodes.removeAll()
        owners.removeAll()
        for e in recent.indices { recent[e] = Recent() }
        for (node, employee) in zip(old.nodes, old.owners) where node.run.last >= cutoff {
            append(node.run, of: employee)
        }
    }

    /// Appends a run of `employee` (a known id) as their latest.
    private mutating func append(_ run: Run, of employee: Int32) {
        let e = Int(employee)
        nodes.append(Node(run: run, previous: recent[e].latest))
        owners.append(employee)
        recent[e].latest = Int32(nodes.count - 1)
        recent[e].olderTags = recent[e].olderTags << 8 | recent[e].newerTags >> 56
        recent[e].newerTags = recent[e].newerTags << 8 | UInt64(Self.tag(run.session))
    }

    /// Every run, by employee id and then in arrival order.
    var spans: [Span] {
        // A counting sort by employee: stable, so each employee's runs stay in arrival order.
        var start = [Int](repeating: 0, count: recent.count + 1)
        for employee in owners { start[Int(employee) + 1] += 1 }
        for e in recent.indices { start[e + 1] += start[e] }
        guard let first = nodes.first, let firstOwner = owners.first else { return [] }
        var all = [Span](repeating: Span(employee: firstOwner, run: first.run), count: nodes.count)
        for (node, employee) in zip(nodes, owners) {
            all[start[Int(employee)]] = Span(employee: employee, run: node.run)
            start[Int(employee)] += 1
        }
        return all
    }

    /// Runs whose last event falls in `start..<end` (Unix ms), with their employee, in arrival order (so each
    /// employee's runs in the order they started).
    func forEachRun(endingIn start: Int64, _ end: Int64, _ body: (Int, Run) -> Void) {
        for (node, employee) in zip(nodes, owners) where node.run.last >= start && node.run.last < end {
            body(Int(employee), node.run)
        }
    }

    /// Replaces every run (loading a snapshot); `spans` must be grouped by employee in ascending order, each
    /// employee's in arrival order, and `employees` is the shard's employee count.
    mutating func restore(_ spans: [Span], employees: Int) {
        nodes.removeAll()
        owners.removeAll()
        recent = Array(repeating: Recent(), count: employees)
        for span in spans { append(span.run, of: span.employee) }
        prunedBefore = .min
    }
}
