import Synchronization
import TokenBoardCore
import TokenBoardWire

/// The coordinator's view of its workers: where each listens, when it was last heard from, what it holds.
public final class Membership: Sendable {
    struct Member: Sendable {
        var endpoint: Endpoint?
        var lastSeen: ContinuousClock.Instant?
        var stats: ShardStats?
    }

    private let members: Mutex<[String: Member]>
    private let livenessTimeout: Duration
    private let clock = ContinuousClock()

    public init(workers: [String], livenessTimeout: Duration) {
        members = Mutex(Dictionary(uniqueKeysWithValues: workers.map { ($0, Member()) }))
        self.livenessTimeout = livenessTimeout
    }

    /// Records a registration; returns the previous endpoint if it changed (its connections are stale).
    /// Nil when the id is not a worker of this cluster.
    func register(_ id: String, endpoint: Endpoint, stats: ShardStats) -> (known: Bool, moved: Bool) {
        let now = clock.now
        return members.withLock { members in
            guard var member = members[id] else { return (false, false) }
            let moved = member.endpoint != nil && member.endpoint != endpoint
            member.endpoint = endpoint
            member.lastSeen = now
            member.stats = stats
            members[id] = member
            return (true, moved)
        }
    }

    /// Records a heartbeat; false when the worker is unknown or has not registered yet.
    func heartbeat(_ id: String, stats: ShardStats) -> Bool {
        let now = clock.now
        return members.withLock { members in
            guard var member = members[id], member.endpoint != nil else { return false }
            member.lastSeen = now
            member.stats = stats
            members[id] = member
            return true
        }
    }

    func endpoint(of id: String) -> Endpoint? {
        members.withLock { $0[id]?.endpoint }
    }

    var endpoints: [String: Endpoint] {
        members.withLock { $0.compactMapValues(\.endpoint) }
    }

    /// Workers heard from within the liveness timeout, sorted.
    var live: [String] {
        let now = clock.now
        return members.withLock { members in
            members.filter { $0.value.lastSeen.map { now - $0 <= livenessTimeout } ?? false }.map(\.key).sorted()
        }
    }

    /// The newest day any worker has reported.
    var newestDay: Day? {
        members.withLock { $0.values.compactMap { $0.stats?.newestDay }.max() }
    }

    /// Every worker's status for `tokenboard status`.
    func status(map: ShardMap) -> [NodeStatus] {
        let now = clock.now
        return members.withLock { members in
            members.keys.sorted().map { id in
                let member = members[id]!
                let ago = member.lastSeen.map { now - $0 }
                let index = map.workers.firstIndex(of: id)
                let slots = index.map { i in map.owners.lazy.filter { Int($0) == i }.count } ?? 0
                return NodeStatus(
                    id: id,
                    endpoint: member.endpoint,
                    alive: ago.map { $0 <= livenessTimeout } ?? false,
                    lastSeenMillisAgo: ago.map {
                        UInt64($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)
                    },
                    slots: UInt32(slots),
                    stats: member.stats
                )
            }
        }
    }
}
