/// The four token counts a model bills separately. `input` never includes cached tokens: readers of formats that
/// fold cache reads into the prompt count (OpenAI's `prompt_tokens`) subtract them first.
public struct TokenCounts: Sendable, Hashable, Codable, BitwiseCopyable {
    public var input: UInt64
    public var output: UInt64
    public var cacheWrite: UInt64
    public var cacheRead: UInt64

    public init(input: UInt64 = 0, output: UInt64 = 0, cacheWrite: UInt64 = 0, cacheRead: UInt64 = 0) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }

    public static let zero = TokenCounts()

    /// All tokens of every kind; the board's default ranking metric.
    @inlinable public var total: UInt64 {
        input.saturatingAdd(output).saturatingAdd(cacheWrite).saturatingAdd(cacheRead)
    }

    /// Adds another set of counts, saturating instead of trapping so that no input can crash a node.
    @inlinable public mutating func add(_ other: TokenCounts) {
        input = input.saturatingAdd(other.input)
        output = output.saturatingAdd(other.output)
        cacheWrite = cacheWrite.saturatingAdd(other.cacheWrite)
        cacheRead = cacheRead.saturatingAdd(other.cacheRead)
    }

    /// The largest count a single event may carry; larger values are rejected as malformed input.
    public static let maxPerEvent: UInt64 = 1 << 40

    /// Whether every count is within `maxPerEvent`.
    @inlinable public var isPlausibleForOneEvent: Bool {
        input <= Self.maxPerEvent && output <= Self.maxPerEvent && cacheWrite <= Self.maxPerEvent
            && cacheRead <= Self.maxPerEvent
    }
}

extension UInt64 {
    /// Addition that stops at `UInt64.max` instead of trapping.
    @inlinable public func saturatingAdd(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// Multiplication that stops at `UInt64.max` instead of trapping.
    @inlinable public func saturatingMultiply(_ other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
