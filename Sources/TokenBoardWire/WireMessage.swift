import NIOCore

/// A message that travels as the payload of one frame. Every type in `MessageType` has exactly one conforming
/// struct; its payload layout is documented in docs/PROTOCOL.md.
///
/// Decoding consumes exactly the message's bytes and never trusts a count or length before checking it against
/// what is left, so no input can crash a node or make it allocate more than the payload's size allows.
public protocol WireMessage: Sendable {
    /// The frame type code this message travels under.
    static var messageType: MessageType { get }

    /// Reads one message from the front of `payload`.
    ///
    /// - Throws: `WireError.malformedPayload` when the bytes are truncated or invalid; `payload` is then left at an
    ///   unspecified position.
    init(from payload: inout ByteBuffer) throws

    /// Appends the message's payload encoding to `buffer`.
    func encode(into buffer: inout ByteBuffer)
}

extension MessageType {
    /// The message struct that travels under this type.
    public var messageStruct: any WireMessage.Type {
        switch self {
        case .error: return ErrorMessage.self
        case .ingest: return IngestRequest.self
        case .ingestAck: return IngestAck.self
        case .compactIngest: return CompactIngestRequest.self
        case .compactIngestAck: return CompactIngestAck.self
        case .topQuery: return TopQuery.self
        case .topReply: return TopReply.self
        case .totalsQuery: return TotalsQuery.self
        case .totalsReply: return TotalsReply.self
        case .employeeQuery: return EmployeeQuery.self
        case .employeeReply: return EmployeeReply.self
        case .rankQuery: return RankQuery.self
        case .rankReply: return RankReply.self
        case .statsQuery: return StatsQuery.self
        case .statsReply: return StatsReply.self
        case .register: return RegisterRequest.self
        case .registerAck: return RegisterAck.self
        case .heartbeat: return Heartbeat.self
        case .heartbeatAck: return HeartbeatAck.self
        case .shardMapQuery: return ShardMapQuery.self
        case .shardMapReply: return ShardMapReply.self
        case .statusQuery: return StatusQuery.self
        case .statusReply: return StatusReply.self
        case .scoreCountQuery: return ScoreCountQuery.self
        case .scoreCountReply: return ScoreCountReply.self
        case .tiersQuery: return TiersQuery.self
        case .tiersReply: return TiersReply.self
        case .entriesQuery: return EntriesQuery.self
        case .entriesReply: return EntriesReply.self
        case .teamsQuery: return TeamsQuery.self
        case .teamsReply: return TeamsReply.self
        case .budgetsQuery: return BudgetsQuery.self
        case .budgetsReply: return BudgetsReply.self
        case .titleCandidatesQuery: return TitleCandidatesQuery.self
        case .titleCandidatesReply: return TitleCandidatesReply.self
        case .titlesQuery: return TitlesQuery.self
        case .titlesReply: return TitlesReply.self
        case .flaggedQuery: return FlaggedQuery.self
        case .flaggedReply: return FlaggedReply.self
        case .signalsQuery: return SignalsQuery.self
        case .signalsReply: return SignalsReply.self
        }
    }
}
