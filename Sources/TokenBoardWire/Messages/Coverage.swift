/// Which shards an answer covers. A worker's own reply names itself; the coordinator's names every shard it
/// merged and every one that did not answer.
public struct Coverage: Sendable, Hashable {
    public var mapVersion: UInt64
    public var shardsTotal: UInt32
    public var answered: [String]
    public var missing: [String]

    public init(mapVersion: UInt64, shardsTotal: UInt32, answered: [String], missing: [String]) {
        self.mapVersion = mapVersion
        self.shardsTotal = shardsTotal
        self.answered = answered
        self.missing = missing
    }

    public var isPartial: Bool { !missing.isEmpty }
}
