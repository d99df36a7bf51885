import TokenBoardCore
import TokenBoardWire

/// Which shards an answer covers, as printed and as JSON.
public struct CoverageReport: Codable, Sendable, Hashable {
    public var answered: Int
    public var total: Int
    public var missing: [String]
    public var partial: Bool
    public var mapVersion: UInt64

    enum CodingKeys: String, CodingKey {
        case answered, total, missing, partial
        case mapVersion = "map_version"
    }

    public init(_ coverage: Coverage) {
        answered = coverage.answered.count
        total = Int(coverage.shardsTotal)
        missing = coverage.missing
        partial = coverage.isPartial
        mapVersion = coverage.mapVersion
    }

    /// `partial: 3/4 shards (missing w3)` for partial answers, `4/4 shards` otherwise.
    public var line: String {
        partial
            ? "partial: \(answered)/\(total) shards (missing \(missing.joined(separator: ", ")))"
            : "\(answered)/\(total) shards"
    }
}

/// Token counts and cost in JSON form: exact integers, plus the cost as an exact decimal string.
public struct UsageFigures: Codable, Sendable, Hashable {
    public var tokens: UInt64
    public var input: UInt64
    public var output: UInt64
    public var cacheWrite: UInt64
    public var cacheRead: UInt64
    public var costNanos: UInt64
    public var costUSD: String
    public var unpricedTokens: UInt64

    enum CodingKeys: String, CodingKey {
        case tokens, input, output
        case cacheWrite = "cache_write"
        case cacheRead = "cache_read"
        case costNanos = "cost_nanos"
        case costUSD = "cost_usd"
        case unpricedTokens = "unpriced_tokens"
    }

    public init(counts: TokenCounts, cost: UInt64, unpricedTokens: UInt64) {
        tokens = counts.total
        input = counts.input
        output = counts.output
        cacheWrite = counts.cacheWrite
        cacheRead = counts.cacheRead
        costNanos = cost
        costUSD = Formatting.exactDollars(cost)
        self.unpricedTokens = unpricedTokens
    }
}
