/// One employee's token counts for one (day, model, tool): 40 bytes. Cost is not stored; it is the counts times
/// the model's rates, which the store fixes when it first sees the model.
struct UsageCell: Sendable {
    /// Day in the high 32 bits, shard-local model id and tool id in the low 32.
    var key: UInt64
    var counts: TokenCounts

    @inline(__always) static func key(day: Int32, model: UInt16, tool: UInt16) -> UInt64 {
        UInt64(UInt32(bitPattern: day)) << 32 | UInt64(model) << 16 | UInt64(tool)
    }

    @inline(__always) var day: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)) }
    @inline(__always) var model: UInt16 { UInt16(truncatingIfNeeded: key >> 16) }
    @inline(__always) var tool: UInt16 { UInt16(truncatingIfNeeded: key) }
}

/// A shard's totals for one (day, model): spend by model is a lookup, not a scan.
struct ModelDayTotals: Sendable {
    var counts = TokenCounts.zero
    var cost: UInt64 = 0
    var events: UInt64 = 0
}
