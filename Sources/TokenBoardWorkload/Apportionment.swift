/// Exact integer division of a total by weights, for the generator: every amount it hands out must add up to the
/// configured totals to the token.
enum Apportionment {
    /// Splits `total` in proportion to `weights` by the largest-remainder method: everyone gets the floor of their
    /// quota, and the units left over go to the largest fractional parts (ties to the lower index). The result
    /// sums to `total` exactly. All-zero weights split evenly.
    static func largestRemainder(_ total: UInt64, weights: [Double]) -> [UInt64] {
        let n = weights.count
        guard n > 0 else { return [] }
        var sum = 0.0
        for w in weights { sum += w }
        let even = !(sum > 0) || !sum.isFinite
        let scale = even ? Double(total) / Double(n) : Double(total) / sum
        var result = [UInt64](repeating: 0, count: n)
        var fractions = [Double](repeating: 0, count: n)
        var assigned: UInt64 = 0
        for i in 0..<n {
            let quota = (even ? 1 : weights[i]) * scale
            let floor = min(quota.rounded(.down), Double(total))
            result[i] = UInt64(floor)
            fractions[i] = quota - floor
            assigned &+= result[i]
        }
        // Floating-point quotas can miss the total by a few units either way; the integers settle it.
        if assigned < total {
            var short = total - assigned
            let each = short / UInt64(n)
            if each > 0 {
                for i in 0..<n { result[i] += each }
                short -= each * UInt64(n)
            }
            let order = (0..<n).sorted { fractions[$0] != fractions[$1] ? fractions[$0] > fractions[$1] : $0 < $1 }
            for i in order.prefix(Int(short)) { result[i] += 1 }
        } else if assigned > total {
            var over = assigned - total
            let order = (0..<n).sorted { fractions[$0] != fractions[$1] ? fractions[$0] < fractions[$1] : $0 > $1 }
            while over > 0 {
                for i in order where result[i] > 0 && over > 0 {
                    result[i] -= 1
                    over -= 1
                }
            }
        }
        return result
    }

    /// `total × part / whole` rounded down, in 128-bit arithmetic so it is exact for any 64-bit inputs with
    /// `part <= whole`. Successive differences of `share(total, cumulative, whole)` split a total exactly.
    @inline(__always) static func share(_ total: UInt64, _ part: UInt64, of whole: UInt64) -> UInt64 {
        let product = total.multipliedFullWidth(by: part)
        return whole.dividingFullWidth(product).quotient
    }
}
