import NIOCore
import NIOEmbedded
import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload
import XCTest

/// One sample message, type-erased so tests can loop over all of them.
struct Sample {
    let name: String
    let messageType: MessageType
    let frame: (UInt64) -> Frame
    /// Decodes a frame as the sample's type and tells whether it equals the sample.
    let matches: (Frame) throws -> Bool

    init<M: WireMessage & Equatable>(_ name: String, _ message: M) {
        self.name = name
        self.messageType = M.messageType
        self.frame = { Frame(message, requestID: $0) }
        self.matches = { try $0.decode(M.self) == message }
    }
}

enum Fixtures {
    static let counts = TokenCounts(input: 1_234, output: 56_789, cacheWrite: 1 << 40, cacheRead: .max)
    static let june30 = Day(year: 2025, month: 6, day: 30)

    static let stats = ShardStats(
        employees: 85_000,
        events: 60_000_000_000,
        batches: 7,
        cells: 123_456,
        newestDay: june30,
        oldestDay: Day(number: -3),
        logBytes: 29_797_580
    )
    static let emptyStats = ShardStats(employees: 0, events: 0, batches: 0, cells: 0, newestDay: nil, oldestDay: nil)

    static let coverage = Coverage(
        mapVersion: 42,
        shardsTotal: 3,
        answered: ["worker-a", "wörker-ß"],
        missing: ["w-3"]
    )
    static let emptyCoverage = Coverage(mapVersion: 0, shardsTotal: 0, answered: [], missing: [])

    static let map = ShardMap(version: 9, workers: ["w1", "w2", "w3"], owners: (0..<64).map { UInt16($0 % 3) })

    static let ranked = [
        RankedEmployee(employee: "alice@example.com", counts: counts, cost: 15_000_000_000, unpricedTokens: 0),
        RankedEmployee(
            employee: "日本語ユーザー🚀",
            counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 4),
            cost: 0,
            unpricedTokens: 10
        ),
    ]

    static let totals = WindowTotals(
        counts: counts,
        cost: 900_000_000_000_000_000,
        unpricedTokens: 5,
        activeEmployees: 84_321
    )

    static let modelRows = [
        LabeledUsage(label: "claude-sonnet-4", counts: counts, cost: 123, priced: true, provider: "anthropic"),
        LabeledUsage(label: "in-house-ü", counts: .zero, cost: 0, priced: false, provider: "unknown"),
        LabeledUsage(label: "", counts: counts, cost: .max, priced: true, provider: ""),
    ]

    static let batch = EventBatch(
        employees: ["alice@example.com", "bøb", ""],
        models: ["claude-opus-4", "gpt-4.1"],
        tools: ["claude-code", "cursor"],
        sessions: ["s-1", "セッション"],
        events: [
            BatchedEvent(
                employee: 0,
                model: 1,
                tool: 0,
                session: 1,
                timestampMillis: 1_751_241_600_000,
                eventKey: 0xDEAD_BEEF_F00D_CAFE,
                counts: counts
            ),
            BatchedEvent(
                employee: 1,
                model: 0,
                tool: 1,
                session: 0,
                timestampMillis: -86_400_001,
                counts: TokenCounts(input: 5, output: 6, cacheWrite: 0, cacheRead: 7)
            ),
            BatchedEvent(
                employee: .max,
                model: .max,
                tool: .max,
                session: .max,
                timestampMillis: .min,
                eventKey: .max,
                counts: TokenCounts(input: .max, output: .max, cacheWrite: .max, cacheRead: .max)
            ),
        ]
    )

    /// A batch that fits the compact layout at its limits: counts of 2³² − 1, timestamps 2³² − 1 ms apart (the
    /// earlier before 1970), 256 tools.
    static let compactBatch = EventBatch(
        employees: ["zoë", "b"],
        models: ["m"],
        tools: (0..<256).map { "tool-\($0)" },
        sessions: ["s", ""],
        events: [
            BatchedEvent(
                employee: 1,
                model: 0,
                tool: 255,
                session: 0,
                timestampMillis: Int64(UInt32.max) - 5,
                eventKey: .max,
                counts: TokenCounts(input: UInt64(UInt32.max), output: 0, cacheWrite: 7, cacheRead: 1 << 31)
            ),
            BatchedEvent(
                employee: 0,
                model: 0,
                tool: 0,
                session: 1,
                timestampMillis: -5,
                counts: TokenCounts(input: 1, output: 2, cacheWrite: 3, cacheRead: 4)
            ),
        ]
    )

    static let usage = EmployeeUsage(
        summary: ranked[0],
        byModel: modelRows,
        byTool: [LabeledUsage(label: "claude-code", counts: counts, cost: 99)],
        byDay: []
    )

    static let nodes = [
        NodeStatus(
            id: "w1",
            endpoint: Endpoint(host: "10.0.0.1", port: 7401),
            alive: true,
            lastSeenMillisAgo: 250,
            slots: 2048,
            stats: stats
        ),
        NodeStatus(id: "w2", endpoint: nil, alive: false, lastSeenMillisAgo: nil, slots: 0, stats: nil),
    ]

    /// At least one sample of every message type, with nil optionals, empty arrays and non-ASCII strings.
    static var samples: [Sample] {
        [
            Sample(
                "error",
                ErrorMessage(code: .notOwner, message: "slot 17 belongs to worker-b ✓", mapVersion: 12)
            ),
            Sample("error-unknown-code", ErrorMessage(code: .init(rawValue: 999), message: "", mapVersion: 0)),
            Sample(
                "ingest",
                IngestRequest(producerID: 0xDEAD_BEEF, sequence: 77, mapVersion: 3, batch: batch)
            ),
            Sample("ingest-empty", IngestRequest(mapVersion: 0, batch: EventBatch())),
            Sample("ingestAck", IngestAck(applied: 8192, mapVersion: 3)),
            Sample(
                "compactIngest",
                CompactIngestRequest(IngestRequest(producerID: 5, sequence: 6, mapVersion: 7, batch: compactBatch))!
            ),
            Sample("compactIngest-empty", CompactIngestRequest(IngestRequest(mapVersion: 0, batch: EventBatch()))!),
            Sample("compactIngestAck", CompactIngestAck(IngestAck(applied: 2, mapVersion: 7, duplicate: true))),
            Sample("ingestAck duplicate", IngestAck(applied: 17, mapVersion: 4, duplicate: true)),
            Sample(
                "topQuery",
                TopQuery(k: 250, window: .days(30), anchor: june30, metric: .cost, allowPartial: true)
            ),
            Sample("topQuery-nil", TopQuery(k: 0, window: .allTime, anchor: nil, metric: .output)),
            Sample(
                "topReply",
                TopReply(entries: ranked, totals: totals, anchor: june30, newestDay: nil, coverage: coverage)
            ),
            Sample(
                "topReply-empty",
                TopReply(entries: [], totals: WindowTotals(), anchor: nil, newestDay: nil, coverage: emptyCoverage)
            ),
            Sample("totalsQuery", TotalsQuery(window: .days(7), anchor: nil, allowPartial: false)),
            Sample(
                "totalsReply",
                TotalsReply(models: modelRows, totals: totals, anchor: nil, newestDay: june30, coverage: coverage)
            ),
            Sample(
                "employeeQuery",
                EmployeeQuery(
                    employee: "bob+ai@example.com",
                    window: .days(1),
                    anchor: Day(number: -5),
                    metric: .tokens,
                    allowPartial: true
                )
            ),
            Sample(
                "employeeReply",
                EmployeeReply(
                    usage: usage,
                    rank: 3,
                    activeEmployees: 85_000,
                    anchor: june30,
                    newestDay: june30,
                    coverage: coverage
                )
            ),
            Sample(
                "employeeReply-nil",
                EmployeeReply(
                    usage: nil,
                    rank: 0,
                    activeEmployees: 0,
                    anchor: nil,
                    newestDay: nil,
                    coverage: emptyCoverage
                )
            ),
            Sample(
                "rankQuery",
                RankQuery(
                    employee: "carol",
                    score: .max,
                    window: .days(Window.maxDays),
                    anchor: Day(number: .min),
                    metric: .output
                )
            ),
            Sample("rankReply", RankReply(ahead: 17, activeEmployees: 85_000, mapVersion: 4)),
            Sample(
                "register",
                RegisterRequest(workerID: "worker-1", endpoint: Endpoint(host: "::1", port: 65535), stats: stats)
            ),
            Sample("registerAck", RegisterAck(map: map)),
            Sample("heartbeat", Heartbeat(workerID: "worker-2", stats: emptyStats)),
            Sample("heartbeatAck", HeartbeatAck(mapVersion: .max)),
            Sample("shardMapQuery", ShardMapQuery()),
            Sample(
                "shardMapReply",
                ShardMapReply(
                    map: map,
                    endpoints: [
                        "w1": Endpoint(host: "127.0.0.1", port: 7401),
                        "w2": Endpoint(host: "node-2.internal", port: 0),
                        "w3": Endpoint(host: "fe80::1", port: 7403),
                    ],
                    live: ["w1", "w3"]
                )
            ),
            Sample(
                "shardMapReply-empty",
                ShardMapReply(
                    map: ShardMap(version: 1, workers: ["only"], owners: [0]),
                    endpoints: [:],
                    live: []
                )
            ),
            Sample("statsQuery", StatsQuery()),
            Sample("statsReply", StatsReply(nodeID: "w3", stats: stats, mapVersion: 8)),
            Sample("statusQuery", StatusQuery()),
            Sample(
                "statusReply",
                StatusReply(coordinatorID: "coordinator-α", mapVersion: 5, slotCount: 4096, workers: nodes)
            ),
            Sample(
                "statusReply-empty",
                StatusReply(coordinatorID: "", mapVersion: 0, slotCount: 0, workers: [])
            ),
            Sample(
                "scoreCountQuery",
                ScoreCountQuery(window: .days(30), anchor: june30, metric: .cost, thresholds: [0, 7, .max])
            ),
            Sample(
                "scoreCountQuery-empty",
                ScoreCountQuery(window: .allTime, anchor: june30, metric: .tokens, thresholds: [])
            ),
            Sample("scoreCountReply", ScoreCountReply(activeEmployees: 21_250, counts: [21_250, 3, 0], mapVersion: 2)),
            Sample("tiersQuery", TiersQuery(window: .days(7), anchor: nil, allowPartial: true)),
            Sample(
                "tiersReply",
                TiersReply(
                    cutoffs: TierCutoffs(
                        metric: .output,
                        levels: [
                            TierLevel(tier: .emerald, rule: "top 1%", floor: 1 << 40, employees: 850),
                            TierLevel(tier: .bronze, rule: "at least 1 tokens", floor: nil, employees: 0),
                        ],
                        activeEmployees: 85_000
                    ),
                    anchor: june30,
                    coverage: coverage
                )
            ),
            Sample("entriesQuery", EntriesQuery(window: .days(30), anchor: june30)),
            Sample("entriesReply", EntriesReply(entries: ranked, mapVersion: 3)),
            Sample(
                "teamsQuery",
                TeamsQuery(
                    window: .allTime,
                    anchor: june30,
                    grouping: .org,
                    metric: .cost,
                    employee: "dave",
                    allowPartial: true
                )
            ),
            Sample("teamsQuery-nil", TeamsQuery(window: .days(1), anchor: nil, grouping: .team, metric: .tokens)),
            Sample(
                "teamsReply",
                TeamsReply(
                    groups: ranked.map { GroupUsage(summary: $0, members: 3) },
                    standing: TeamStanding(team: "platform", org: "eng", manager: "Smith, J.", rank: 2, members: 9),
                    unassignedEmployees: 4,
                    directoryEmployees: 85_000,
                    anchor: june30,
                    coverage: coverage
                )
            ),
            Sample("budgetsQuery", BudgetsQuery(anchor: june30, allowPartial: true)),
            Sample(
                "budgetsReply",
                BudgetsReply(
                    lines: [
                        BudgetLine(scope: .employee, name: "alice", budget: 2_000_000_000, cost: .max),
                        BudgetLine(scope: .team, name: "platform", budget: 0, cost: 0),
                    ],
                    anchor: nil,
                    coverage: emptyCoverage
                )
            ),
            Sample(
                "titleCandidatesQuery",
                TitleCandidatesQuery(window: .days(30), anchor: june30, rules: TitleRules(minTokensPerModel: 7))
            ),
            Sample("titleCandidatesReply-empty", TitleCandidatesReply(candidates: [], mapVersion: 1)),
            Sample("titlesQuery", TitlesQuery(window: .allTime, anchor: nil, allowPartial: true)),
            Sample(
                "titlesReply",
                TitlesReply(
                    holders: [
                        TitleHolder(title: .tokenLegend, employee: "alice", value: 281_000_000_000),
                        TitleHolder(title: .sessionImmortal, employee: "bob", value: 72_000_000, base: 1 << 40),
                        TitleHolder(title: .cacheWizard, employee: "ë", value: .max, base: .max),
                    ],
                    rules: TitleRules(),
                    anchor: june30,
                    coverage: coverage
                )
            ),
            Sample(
                "titleCandidatesReply",
                TitleCandidatesReply(
                    candidates: [TitleHolder(title: .modelConnoisseur, employee: "carol", value: 9, base: 10)],
                    mapVersion: 2
                )
            ),
            Sample(
                "flaggedQuery",
                FlaggedQuery(
                    window: .days(7),
                    anchor: june30,
                    rules: SignalRules(idleMinRequests: 9, aroundClockMinDays: 1)
                )
            ),
            Sample(
                "flaggedReply",
                FlaggedReply(
                    flagged: [
                        FlaggedEmployee(
                            employee: "idle",
                            idleSessions: 2,
                            aroundClockDays: 0,
                            tokens: 37_836_304,
                            output: 4804,
                            cost: .max
                        )
                    ],
                    mapVersion: 3
                )
            ),
            Sample("signalsQuery", SignalsQuery(window: .allTime, anchor: nil, allowPartial: true)),
            Sample(
                "signalsReply",
                SignalsReply(
                    flagged: [
                        FlaggedEmployee(
                            employee: "ë",
                            idleSessions: 0,
                            aroundClockDays: 3,
                            tokens: 1,
                            output: 0,
                            cost: 2
                        )
                    ],
                    rules: SignalRules(),
                    anchor: june30,
                    coverage: coverage
                )
            ),
        ]
    }
}

/// Records every error that passes and forwards it, so tests can see what the decoder threw even though
/// `ProtocolErrorHandler` swallows it.
final class ErrorRecorder: ChannelInboundHandler {
    typealias InboundIn = Frame
    var errors: [any Error] = []

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
        context.fireErrorCaught(error)
    }
}

/// A stand-in for a node's request handler: decodes every frame as `M` and reports a failure the way a node
/// does, as a `RequestFailure` carrying the frame's id.
final class StrictServer<M: WireMessage>: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Frame
    var decoded: [M] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            decoded.append(try frame.decode(M.self))
        } catch let error as WireError {
            context.fireErrorCaught(RequestFailure(requestID: frame.requestID, error: error))
        } catch {
            context.fireErrorCaught(error)
        }
    }
}

/// A connected EmbeddedChannel with the frame codec, an error recorder and a `ProtocolErrorHandler`.
func makeServerChannel(
    limits: FrameLimits = .default,
    before extra: (any ChannelHandler)? = nil
) throws -> (EmbeddedChannel, ErrorRecorder) {
    let channel = EmbeddedChannel()
    let recorder = ErrorRecorder()
    try channel.pipeline.syncOperations.addFrameCodec(limits: limits)
    if let extra { try channel.pipeline.syncOperations.addHandler(extra) }
    try channel.pipeline.syncOperations.addHandler(recorder)
    try channel.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7400)).wait()
    return (channel, recorder)
}

/// The bytes of one encoded frame.
func encodedBytes(_ frame: Frame, limits: FrameLimits = .default) throws -> [UInt8] {
    var buffer = ByteBufferAllocator().buffer(capacity: 64)
    try FrameEncoder.encode(frame, into: &buffer, limits: limits)
    return Array(buffer.readableBytesView)
}

/// Decodes every frame in `bytes` with a standalone decoder.
func decodeFrames(_ bytes: [UInt8], limits: FrameLimits = .default) throws -> [Frame] {
    let decoder = FrameDecoder(limits: limits)
    var buffer = ByteBuffer(bytes: bytes)
    var frames: [Frame] = []
    while let frame = try decoder.decode(buffer: &buffer) { frames.append(frame) }
    return frames
}

/// Builds header bytes by hand, for frames the encoder would never produce.
func header(
    magic: UInt32 = 0x314B_4254,
    version: UInt8 = 1,
    type: UInt8 = MessageType.heartbeatAck.rawValue,
    flags: UInt16 = 0,
    requestID: UInt64 = 1,
    payloadLength: UInt32,
    uncompressedLength: UInt32,
    crc: UInt32
) -> [UInt8] {
    var buffer = ByteBufferAllocator().buffer(capacity: 28)
    buffer.writeMultipleIntegers(
        magic,
        version,
        type,
        flags,
        requestID,
        payloadLength,
        uncompressedLength,
        crc,
        endianness: .little
    )
    return Array(buffer.readableBytesView)
}

/// Little-endian bytes of an integer, for hand-built payloads.
func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// Asserts that `body` throws exactly `expected`.
func assertThrows<E: Error & Equatable, T>(
    _ expected: E,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) {
    do {
        let value = try body()
        XCTFail("expected \(expected), got \(value)", file: file, line: line)
    } catch let error as E {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}
