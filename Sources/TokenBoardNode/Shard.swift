import Foundation
import NIOCore
import Synchronization
import TokenBoardCore
import TokenBoardWire

/// A worker's shard: its counters and the shard map it serves under, and the answers to every request a worker
/// serves. Each request is handled whole under the lock, so a query never sees half a batch.
public final class Shard: Sendable {
    public let workerID: String
    private let store: Mutex<ShardStore>
    private let routing: Mutex<OwnedSlots>
    /// Answers to read-only queries for the store and map as they are now (see `ReplyCache`).
    private let replyCache = Mutex(ReplyCache())

    /// Where batches are logged before they are applied; nil keeps counters in memory only.
    let log: WriteAheadLog?
    /// When the last snapshot was written (Unix ms; 0 for none).
    let snapshotMillis: Mutex<Int64>
    /// Held for the whole of a snapshot: two at once could finish out of order and delete segments the later
    /// rename still needs.
    let snapshotInProgress = Mutex(())
    /// Where the store moves past days' detail, if anywhere.
    let spillFile: SpillFile?
    /// Whether a batch, a query or a snapshot may have mapped pages of the spill file since `unmapSpilledPages`;
    /// at first, whether recovery may have (its log replay writes and reads moved pages).
    let spilledPagesTouched = Atomic(true)

    public convenience init(workerID: String, priceBook: PriceBook, map: ShardMap) {
        self.init(workerID: workerID, store: ShardStore(priceBook: priceBook), map: map, log: nil)
    }

    /// How far past `clock` an ingested event may be dated; nil accepts any date.
    let futureLimit: FutureLimit?
    /// The wall clock in Unix ms (a fixed one in tests).
    let clock: @Sendable () -> Int64

    /// A shard serving `store` (as recovered from `log` and a snapshot written at `snapshotMillis`), logging
    /// further batches to `log`, refusing batches with an event dated past `futureLimit` of `clock`.
    public init(
        workerID: String,
        store: ShardStore,
        map: ShardMap,
        log: WriteAheadLog?,
        snapshotMillis: Int64 = 0,
        futureLimit: FutureLimit? = .standard,
        clock: @escaping @Sendable () -> Int64 = Shard.wallClockMillis
    ) {
        self.workerID = workerID
        self.spillFile = store.spillFile
        self.store = Mutex(store)
        self.routing = Mutex(OwnedSlots(map: map, worker: workerID))
        self.log = log
        self.snapshotMillis = Mutex(snapshotMillis)
        self.futureLimit = futureLimit
        self.clock = clock
    }

    /// The system's wall clock in Unix ms.
    @Sendable public static func wallClockMillis() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// Runs `body` on the store under the lock every request takes.
    func withStore<T>(_ body: (inout ShardStore) throws -> T) rethrows -> T {
        try store.withLock { try body(&$0) }
    }

    /// Flushes the write-ahead log (the interval policy's group commit).
    public func syncLog() throws {
        try log?.sync()
    }

    /// Moves past days' detail to the store's spill file (`ShardStore.movePastDays`); returns the bytes moved.
    @discardableResult
    public func movePastDays() -> Int {
        withStore { $0.movePastDays() }
    }

    /// Gives back the unused pages at the end of the store's huge-page pools (`ShardStore.releaseUnusedPoolPages`).
    public func releaseUnusedPoolPages() {
        withStore { $0.releaseUnusedPoolPages() }
    }

    /// Unmaps the spill file's pages from the worker if a batch, a query or a snapshot may have mapped some since
    /// the last call (`SpillFile.unmapPages`): they stay in the page cache, so this changes the worker's resident
    /// memory, not what it answers. Returns whether it did.
    @discardableResult
    public func unmapSpilledPages() -> Bool {
        guard let spillFile, spilledPagesTouched.exchange(false, ordering: .acquiringAndReleasing) else {
            return false
        }
        spillFile.unmapPages()
        return true
    }

    /// Bytes in the write-ahead log (0 without one).
    public var logBytes: Int64 { log?.byteCount ?? 0 }

    /// The map version this shard serves under.
    public var mapVersion: UInt64 { routing.withLock { $0.map.version } }

    /// Adopts a newer map from the coordinator; older or equal versions are ignored.
    public func adopt(_ map: ShardMap) {
        routing.withLock { current in
            if map.version > current.map.version { current = OwnedSlots(map: map, worker: workerID) }
        }
    }

    public var stats: ShardStats {
        var stats = store.withLock { $0.stats }
        stats.logBytes = UInt64(logBytes)
        stats.snapshotMillis = snapshotMillis.withLock { $0 }
        return stats
    }

    /// Answers one request frame.
    public func handle(_ frame: Frame) -> Frame {
        guard let type = frame.messageType, Self.cacheable.contains(type) else { return answer(frame) }
        let key = ReplyCache.Key(typeCode: frame.typeCode, payload: frame.payload)
        // Versions are read before the answer is computed: see `ReplyCache.store`.
        let (storeVersion, employees) = withStore { ($0.batchCount, $0.employeeCount) }
        let map = mapVersion
        if let hit = replyCache.withLock({
            $0.reply(to: key, requestID: frame.requestID, storeVersion: storeVersion, mapVersion: map)
        }) {
            return hit
        }
        let reply = answer(frame)
        if reply.messageType != .error {
            replyCache.withLock {
                $0.store(
                    reply,
                    for: key,
                    storeVersion: storeVersion,
                    mapVersion: map,
                    byteBudget: ReplyCache.byteBudget(employees: employees)
                )
            }
        }
        return reply
    }

    /// The read-only queries whose answers depend only on the store and the map.
    static let cacheable: Set<MessageType> = [
        .topQuery, .totalsQuery, .employeeQuery, .rankQuery, .scoreCountQuery, .entriesQuery, .titleCandidatesQuery,
        .flaggedQuery,
    ]

    private func answer(_ frame: Frame) -> Frame {
        let id = frame.requestID
        noteSpilledPagesTouched()
        do {
            switch frame.messageType {
            case .ingest, .compactIngest:
                return Frame(ack: try ingest(ReceivedIngest(frame: frame), frame: frame), replyingTo: frame)
            case .topQuery:
                return .reply(top(try frame.decode(TopQuery.self)), to: id)
            case .totalsQuery:
                return .reply(totals(try frame.decode(TotalsQuery.self)), to: id)
            case .employeeQuery:
                return .reply(employee(try frame.decode(EmployeeQuery.self)), to: id)
            case .rankQuery:
                return .reply(rank(try frame.decode(RankQuery.self)), to: id)
            case .scoreCountQuery:
                return .reply(scoreCounts(try frame.decode(ScoreCountQuery.self)), to: id)
            case .entriesQuery:
                return .reply(entries(try frame.decode(EntriesQuery.self)), to: id)
            case .titleCandidatesQuery:
                return .reply(titleCandidates(try frame.decode(TitleCandidatesQuery.self)), to: id)
            case .flaggedQuery:
                return .reply(flagged(try frame.decode(FlaggedQuery.self)), to: id)
            case .statsQuery:
                _ = try frame.decode(StatsQuery.self)
                return .reply(StatsReply(nodeID: workerID, stats: stats, mapVersion: mapVersion), to: id)
            default:
                return .error(
                    ErrorMessage(
                        code: .unsupportedMessage,
                        message: "worker \(workerID) does not serve message type \(frame.typeCode)",
                        mapVersion: mapVersion
                    ),
                    replyingTo: id
                )
            }
        } catch let error as ErrorMessage {
            return .error(error, replyingTo: id)
        } catch let error as WireError {
            return .error(error.errorMessage, replyingTo: id)
        } catch {
            return .error(ErrorMessage(code: .internalError, message: "\(error)"), replyingTo: id)
        }
    }

    /// Checks, logs and applies one batch. `frame` is the request as it arrived, which becomes its log record.
    func ingest(_ request: ReceivedIngest, frame: Frame) throws -> IngestAck {
        let employees = request.batch.employees
        let (version, foreign) = routing.withLock { owned in
            (owned.map.version, employees.checksums.firstIndex { !owned.owns(checksum: $0) })
        }
        if let foreign {
            throw ErrorMessage(
                code: .notOwner,
                message:
                    "worker \(workerID) does not own employee '\(employees[foreign])' under shard map v\(version)",
                mapVersion: version
            )
        }
        if let futureLimit {
            do {
                try futureLimit.check(request.batch, nowMillis: clock())
            } catch {
                throw ErrorMessage(code: .batchRejected, message: "batch refused whole: \(error)", mapVersion: version)
            }
        }
        // The record is checksummed and compressed before the lock; then the batch is checked, logged and
        // applied under it, so the log holds exactly the batches applied, in the order they were applied.
        let record: ByteBuffer?
        do {
            record = try log.map { _ in try WriteAheadLog.record(of: frame) }
        } catch {
            throw ErrorMessage(code: .storageFailed, message: "batch not stored: \(error)", mapVersion: version)
        }
        return try store.withLock { store in
            switch store.producers.verdict(producer: request.producerID, sequence: request.sequence) {
            case .duplicate:
                return IngestAck(applied: UInt32(request.batch.events.count), mapVersion: version, duplicate: true)
            case .gap(let expected):
                throw ErrorMessage(
                    code: .sequenceGap,
                    message:
                        "producer \(request.producerID) sent batch \(request.sequence) to \(workerID); the next one expected is \(expected)",
                    mapVersion: version
                )
            case .next:
                break
            }
            let checked: CheckedBatch
            do {
                checked = try store.check(request.batch)
            } catch {
                throw ErrorMessage(code: .batchRejected, message: "batch refused whole: \(error)", mapVersion: version)
            }
            if let log, let record {
                do {
                    try log.append(record)
                } catch {
                    throw ErrorMessage(
                        code: .storageFailed,
                        message: "batch not stored, nothing applied: \(error)",
                        mapVersion: version
                    )
                }
            }
            let applied = store.apply(checked)
            store.producers.applied(producer: request.producerID, sequence: request.sequence)
            return IngestAck(applied: UInt32(applied), mapVersion: version)
        }
    }

    func top(_ query: TopQuery) -> TopReply {
        let version = mapVersion
        return store.withLock { store in
            let anchor = query.anchor ?? store.newestDay
            let result = anchor.map { store.top(k: Int(query.k), window: query.window, anchor: $0, by: query.metric) }
            return TopReply(
                entries: result?.entries ?? [],
                totals: result?.totals ?? WindowTotals(),
                anchor: anchor,
                newestDay: store.newestDay,
                coverage: coverage(version)
            )
        }
    }

    func totals(_ query: TotalsQuery) -> TotalsReply {
        let version = mapVersion
        return store.withLock { store in
            let anchor = query.anchor ?? store.newestDay
            var totals = WindowTotals()
            var models: [LabeledUsage] = []
            if let anchor {
                models = store.modelTotals(window: query.window, anchor: anchor)
                // Active employees come from the ranking pass, which already sums every employee's window.
                totals = store.top(k: 0, window: query.window, anchor: anchor, by: .tokens).totals
            }
            return TotalsReply(
                models: models,
                totals: totals,
                anchor: anchor,
                newestDay: store.newestDay,
                coverage: coverage(version)
            )
        }
    }

    func employee(_ query: EmployeeQuery) -> EmployeeReply {
        let version = mapVersion
        return store.withLock { store in
            let anchor = query.anchor ?? store.newestDay
            let usage = anchor.flatMap { store.employee(query.employee, window: query.window, anchor: $0) }
            return EmployeeReply(
                usage: usage,
                rank: 0,
                activeEmployees: 0,
                anchor: anchor,
                newestDay: store.newestDay,
                coverage: coverage(version)
            )
        }
    }

    func rank(_ query: RankQuery) -> RankReply {
        let version = mapVersion
        return store.withLock { store in
            let position = store.rankPosition(
                score: query.score,
                employee: query.employee,
                window: query.window,
                anchor: query.anchor,
                by: query.metric
            )
            return RankReply(ahead: position.ahead, activeEmployees: position.active, mapVersion: version)
        }
    }

    func scoreCounts(_ query: ScoreCountQuery) -> ScoreCountReply {
        let version = mapVersion
        let result = store.withLock { store in
            store.countAtLeast(query.thresholds, window: query.window, anchor: query.anchor, by: query.metric)
        }
        return ScoreCountReply(activeEmployees: result.active, counts: result.counts, mapVersion: version)
    }

    func entries(_ query: EntriesQuery) -> EntriesReply {
        let version = mapVersion
        let entries = store.withLock { $0.activeEntries(window: query.window, anchor: query.anchor) }
        return EntriesReply(entries: entries, mapVersion: version)
    }

    func titleCandidates(_ query: TitleCandidatesQuery) -> TitleCandidatesReply {
        let version = mapVersion
        let candidates = store.withLock {
            $0.titleCandidates(window: query.window, anchor: query.anchor, rules: query.rules)
        }
        return TitleCandidatesReply(candidates: candidates, mapVersion: version)
    }

    func flagged(_ query: FlaggedQuery) -> FlaggedReply {
        let version = mapVersion
        let flagged = store.withLock { $0.flagged(window: query.window, anchor: query.anchor, rules: query.rules) }
        return FlaggedReply(flagged: flagged, mapVersion: version)
    }

    /// Marks that the spill file's pages may be mapped (a relaxed load first: most calls find it set already).
    func noteSpilledPagesTouched() {
        if spillFile != nil && !spilledPagesTouched.load(ordering: .relaxed) {
            spilledPagesTouched.store(true, ordering: .releasing)
        }
    }

    private func coverage(_ version: UInt64) -> Coverage {
        Coverage(mapVersion: version, shardsTotal: 1, answered: [workerID], missing: [])
    }
}

/// The slots one worker owns under one map, as a bitmap for a check per batch employee.
struct OwnedSlots: Sendable {
    let map: ShardMap
    private let owned: [Bool]

    init(map: ShardMap, worker: String) {
        self.map = map
        let index = map.workers.firstIndex(of: worker).map { UInt16($0) }
        owned = map.owners.map { $0 == index }
    }

    /// Whether the employee key whose CRC-32C is `checksum` is owned (the checksum a decoded batch carries).
    func owns(checksum: UInt32) -> Bool {
        owned[map.hasher.slot(forChecksum: checksum)]
    }
}
