import Logging
import NIOCore
import Synchronization
import TokenBoardCore
import TokenBoardWire

/// The coordinator's request handling: membership of workers, the shard map, and every cluster query, answered
/// by fanning out to the workers and merging their exact per-shard answers.
public final class Coordinator: Sendable {
    public let id: String
    let membership: Membership
    let pool: WorkerPool
    let queryDeadline: TimeAmount
    /// Tier rules and the rest of `cluster/badges.json`.
    let board: BoardConfig
    /// Teams, orgs and managers (empty without a directory file).
    let directory: Directory
    private let shardMap: Mutex<ShardMap>
    private let logger: Logger
    /// The newest day any shard has reported in a reply.
    private let newestSeen = Mutex<Day?>(nil)

    /// The largest k a top query may ask for.
    public static let maxK: UInt32 = 100_000

    public init(
        id: String,
        map: ShardMap,
        livenessTimeout: Duration,
        queryDeadline: Duration,
        board: BoardConfig = .defaults,
        directory: Directory = Directory(),
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.id = id
        self.board = board
        self.directory = directory
        self.membership = Membership(workers: map.workers, livenessTimeout: livenessTimeout)
        self.pool = WorkerPool(group: group)
        self.shardMap = Mutex(map)
        self.queryDeadline = .nanoseconds(
            queryDeadline.components.seconds * 1_000_000_000 + queryDeadline.components.attoseconds / 1_000_000_000
        )
        self.logger = logger
    }

    public var map: ShardMap { shardMap.withLock { $0 } }

    /// Answers one request frame.
    public func handle(_ frame: Frame) async -> Frame {
        let id = frame.requestID
        do {
            switch frame.messageType {
            case .register: return .reply(try await register(frame.decode(RegisterRequest.self)), to: id)
            case .heartbeat: return .reply(try heartbeat(frame.decode(Heartbeat.self)), to: id)
            case .shardMapQuery:
                _ = try frame.decode(ShardMapQuery.self)
                return .reply(ShardMapReply(map: map, endpoints: membership.endpoints, live: membership.live), to: id)
            case .statusQuery:
                _ = try frame.decode(StatusQuery.self)
                return .reply(await status(), to: id)
            case .topQuery: return .reply(try await top(frame.decode(TopQuery.self)), to: id)
            case .totalsQuery: return .reply(try await totals(frame.decode(TotalsQuery.self)), to: id)
            case .employeeQuery: return .reply(try await employee(frame.decode(EmployeeQuery.self)), to: id)
            case .tiersQuery: return .reply(try await tiers(frame.decode(TiersQuery.self)), to: id)
            case .titlesQuery: return .reply(try await titles(frame.decode(TitlesQuery.self)), to: id)
            case .signalsQuery: return .reply(try await signals(frame.decode(SignalsQuery.self)), to: id)
            case .teamsQuery: return .reply(try await teams(frame.decode(TeamsQuery.self)), to: id)
            case .budgetsQuery: return .reply(try await budgets(frame.decode(BudgetsQuery.self)), to: id)
            case .ingest, .compactIngest:
                throw ErrorMessage(
                    code: .unsupportedMessage,
                    message:
                        "the coordinator does not ingest: fetch the shard map and send batches to the owning workers",
                    mapVersion: map.version
                )
            default:
                throw ErrorMessage(
                    code: .unsupportedMessage,
                    message: "coordinator \(self.id) does not serve message type \(frame.typeCode)",
                    mapVersion: map.version
                )
            }
        } catch let error as ErrorMessage {
            return .error(error, replyingTo: id)
        } catch let error as WireError {
            return .error(error.errorMessage, replyingTo: id)
        } catch {
            logger.error("request failed", metadata: ["error": "\(error)"])
            return .error(ErrorMessage(code: .internalError, message: "\(error)"), replyingTo: id)
        }
    }

    // MARK: - Membership

    func register(_ request: RegisterRequest) async throws -> RegisterAck {
        let outcome = membership.register(request.workerID, endpoint: request.endpoint, stats: request.stats)
        guard outcome.known else {
            throw ErrorMessage(
                code: .badRequest,
                message:
                    "'\(request.workerID)' is not a worker of this cluster (\(map.workers.joined(separator: ", ")))"
            )
        }
        if outcome.moved { await pool.forget(request.workerID) }
        logger.info(
            "worker registered",
            metadata: ["worker": "\(request.workerID)", "address": "\(request.endpoint)"]
        )
        return RegisterAck(map: map)
    }

    func heartbeat(_ beat: Heartbeat) throws -> HeartbeatAck {
        guard membership.heartbeat(beat.workerID, stats: beat.stats) else {
            throw ErrorMessage(code: .badRequest, message: "'\(beat.workerID)' must register before it heartbeats")
        }
        return HeartbeatAck(mapVersion: map.version)
    }

    /// Every worker's liveness from heartbeats, with what it holds asked live (heartbeats lag behind ingest).
    func status() async -> StatusReply {
        let map = self.map
        let live = await fanOut(StatsQuery(), expecting: StatsReply.self, map: map)
        let fresh = Dictionary(live.replies.map { ($0.worker, $0.reply.stats) }, uniquingKeysWith: { a, _ in a })
        let workers = membership.status(map: map).map { node in
            var node = node
            if let stats = fresh[node.id] { node.stats = stats }
            return node
        }
        return StatusReply(
            coordinatorID: id,
            mapVersion: map.version,
            slotCount: UInt32(map.owners.count),
            workers: workers
        )
    }

    // MARK: - Queries

    /// The day a query's window ends on: the caller's, or else the newest day any shard has seen (asked now, so
    /// events acknowledged a moment ago already count).
    func resolveAnchor(_ requested: Day?, map: ShardMap) async -> (anchor: Day?, stats: FanOutResult<StatsReply>?) {
        if let requested { return (requested, nil) }
        let stats = await fanOut(StatsQuery(), expecting: StatsReply.self, map: map)
        let newest = stats.replies.compactMap(\.reply.stats.newestDay).max()
        return (newest, stats)
    }

    func top(_ query: TopQuery) async throws -> TopReply {
        guard query.k >= 1, query.k <= Self.maxK else {
            throw ErrorMessage(code: .badRequest, message: "k must be between 1 and \(Self.maxK)")
        }
        let map = self.map
        let answer = await anchored(query.anchor, map: map) { anchor in
            var shardQuery = query
            shardQuery.anchor = anchor
            let result = await self.fanOut(shardQuery, expecting: TopReply.self, map: map)
            return (result, result.replies.compactMap(\.reply.newestDay).max())
        }
        guard case .answered(let result, let anchor) = answer else {
            return TopReply(
                entries: [],
                totals: WindowTotals(),
                anchor: nil,
                newestDay: nil,
                coverage: try nothingIngested(answer.search, map: map, allowPartial: query.allowPartial)
            )
        }
        if !result.missing.isEmpty && !query.allowPartial { throw result.unavailableError(map: map) }
        var totals = WindowTotals()
        for (_, reply) in result.replies { totals.add(reply.totals) }
        return TopReply(
            entries: TopK.merge(result.replies.map(\.reply.entries), k: Int(query.k), by: query.metric),
            totals: totals,
            anchor: anchor,
            newestDay: result.replies.compactMap(\.reply.newestDay).max(),
            coverage: result.coverage(map: map)
        )
    }

    /// Runs a fan-out under the window's anchor day. Without a requested day it uses the newest day the
    /// coordinator knows of and runs again (at most twice more) if a shard reports a newer one, so events
    /// acknowledged a moment ago already count; when nothing is known yet it asks every shard first.
    func anchored<Result>(
        _ requested: Day?,
        map: ShardMap,
        run: (Day) async -> (Result, newest: Day?)
    ) async -> Anchored<Result> {
        if let requested {
            let (result, newest) = await run(requested)
            note(newest)
            return .answered(result, requested)
        }
        var anchor = [newestSeen.withLock { $0 }, membership.newestDay].compactMap { $0 }.max()
        if anchor == nil {
            let (newest, search) = await resolveAnchor(nil, map: map)
            note(newest)
            guard let newest else { return .nothingIngested(search) }
            anchor = newest
        }
        guard var anchor else { return .nothingIngested(nil) }
        for _ in 0..<3 {
            let (result, newest) = await run(anchor)
            note(newest)
            guard let newest, newest > anchor else { return .answered(result, anchor) }
            anchor = newest
        }
        return .answered(await run(anchor).0, anchor)
    }

    /// The coverage of an empty answer given before any shard has reported a day with events (no window can be
    /// anchored): the shards asked for their newest day. One that did not answer may hold all the data there is,
    /// so it fails the query, naming it, unless partial answers are allowed.
    func nothingIngested(_ search: FanOutResult<StatsReply>?, map: ShardMap, allowPartial: Bool) throws -> Coverage {
        guard let search else {
            return Coverage(mapVersion: map.version, shardsTotal: UInt32(map.workers.count), answered: [], missing: [])
        }
        if !search.missing.isEmpty && !allowPartial { throw search.unavailableError(map: map) }
        return search.coverage(map: map)
    }

    private func note(_ day: Day?) {
        guard let day else { return }
        newestSeen.withLock { seen in
            if seen.map({ day > $0 }) ?? true { seen = day }
        }
    }

    func totals(_ query: TotalsQuery) async throws -> TotalsReply {
        let map = self.map
        let answer = await anchored(query.anchor, map: map) { anchor in
            var shardQuery = query
            shardQuery.anchor = anchor
            let result = await self.fanOut(shardQuery, expecting: TotalsReply.self, map: map)
            return (result, result.replies.compactMap(\.reply.newestDay).max())
        }
        guard case .answered(let result, let anchor) = answer else {
            return TotalsReply(
                models: [],
                totals: WindowTotals(),
                anchor: nil,
                newestDay: nil,
                coverage: try nothingIngested(answer.search, map: map, allowPartial: query.allowPartial)
            )
        }
        if !result.missing.isEmpty && !query.allowPartial { throw result.unavailableError(map: map) }
        var totals = WindowTotals()
        for (_, reply) in result.replies { totals.add(reply.totals) }
        return TotalsReply(
            models: LabeledUsage.merge(result.replies.flatMap(\.reply.models)),
            totals: totals,
            anchor: anchor,
            newestDay: result.replies.compactMap(\.reply.newestDay).max(),
            coverage: result.coverage(map: map)
        )
    }

    func employee(_ query: EmployeeQuery) async throws -> EmployeeReply {
        let map = self.map
        let (resolved, _) = await resolveAnchor(query.anchor, map: map)
        let anchor = resolved ?? Day(number: 0)
        let owner = map.owner(of: query.employee)
        var ownerQuery = query
        ownerQuery.anchor = anchor
        let usageResult = await fanOut(ownerQuery, expecting: EmployeeReply.self, map: map, to: [owner])
        guard let usageReply = usageResult.replies.first?.reply else {
            let reason = usageResult.missing.first?.reason ?? "no answer"
            throw ErrorMessage(
                code: .shardsUnavailable,
                message: "the shard that owns '\(query.employee)' (\(owner)) did not answer: \(reason)",
                mapVersion: map.version
            )
        }
        guard let usage = usageReply.usage, usage.summary.counts.total > 0 || !usage.byModel.isEmpty else {
            return EmployeeReply(
                usage: nil,
                rank: 0,
                activeEmployees: 0,
                anchor: resolved,
                newestDay: usageReply.newestDay,
                coverage: usageResult.coverage(map: map)
            )
        }
        let rankQuery = RankQuery(
            employee: query.employee,
            score: usage.summary.score(query.metric),
            window: query.window,
            anchor: anchor,
            metric: query.metric
        )
        let ranks = await fanOut(rankQuery, expecting: RankReply.self, map: map)
        if !ranks.missing.isEmpty && !query.allowPartial { throw ranks.unavailableError(map: map) }
        let ahead = ranks.replies.reduce(UInt64(0)) { $0 + $1.reply.ahead }
        let active = ranks.replies.reduce(UInt64(0)) { $0 + $1.reply.activeEmployees }
        return EmployeeReply(
            usage: usage,
            rank: ahead + 1,
            activeEmployees: active,
            anchor: resolved,
            newestDay: usageReply.newestDay,
            coverage: ranks.coverage(map: map)
        )
    }

    func shutdown() async {
        await pool.closeAll()
    }
}

/// A fan-out run under a resolved anchor day, or why there was none.
enum Anchored<Result> {
    case answered(Result, Day)
    /// No shard has reported a day with events; the search for the newest day (nil if none was needed).
    case nothingIngested(FanOutResult<StatsReply>?)

    /// The newest-day search of an unanswered query.
    var search: FanOutResult<StatsReply>? {
        if case .nothingIngested(let search) = self { return search }
        return nil
    }
}
