/// The message types of protocol v1. A reply's type is its request's type + 1 and carries the request's id.
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
    case error = 0x01
    case ingest = 0x10
    case ingestAck = 0x11
    case compactIngest = 0x12
    case compactIngestAck = 0x13
    case topQuery = 0x20
    case topReply = 0x21
    case totalsQuery = 0x22
    case totalsReply = 0x23
    case employeeQuery = 0x24
    case employeeReply = 0x25
    case rankQuery = 0x26
    case rankReply = 0x27
    case statsQuery = 0x28
    case statsReply = 0x29
    case register = 0x30
    case registerAck = 0x31
    case heartbeat = 0x32
    case heartbeatAck = 0x33
    case shardMapQuery = 0x34
    case shardMapReply = 0x35
    case statusQuery = 0x36
    case statusReply = 0x37
    // The board (tiers, titles, teams, signals, budgets): 0x40…0x5F.
    case scoreCountQuery = 0x40
    case scoreCountReply = 0x41
    case tiersQuery = 0x42
    case tiersReply = 0x43
    case entriesQuery = 0x44
    case entriesReply = 0x45
    case teamsQuery = 0x46
    case teamsReply = 0x47
    case budgetsQuery = 0x48
    case budgetsReply = 0x49
    case titleCandidatesQuery = 0x4A
    case titleCandidatesReply = 0x4B
    case titlesQuery = 0x4C
    case titlesReply = 0x4D
    case flaggedQuery = 0x4E
    case flaggedReply = 0x4F
    case signalsQuery = 0x50
    case signalsReply = 0x51
}
