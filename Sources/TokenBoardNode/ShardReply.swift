import TokenBoardCore
import TokenBoardWire

/// A worker's reply that says which shard-map version it answered under, so the coordinator can refuse a
/// stale owner's answer instead of counting a key twice or not at all.
protocol ShardReply: WireMessage {
    var answeredMapVersion: UInt64 { get }
}

extension TopReply: ShardReply {
    var answeredMapVersion: UInt64 { coverage.mapVersion }
}

extension TotalsReply: ShardReply {
    var answeredMapVersion: UInt64 { coverage.mapVersion }
}

extension EmployeeReply: ShardReply {
    var answeredMapVersion: UInt64 { coverage.mapVersion }
}

extension RankReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}

extension StatsReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}

extension ScoreCountReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}

extension EntriesReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}

extension TitleCandidatesReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}

extension FlaggedReply: ShardReply {
    var answeredMapVersion: UInt64 { mapVersion }
}
