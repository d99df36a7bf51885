/// Short ASCII labels (`emp-00042`, `e-0000001`, `s-00042-0007`) built without intermediate strings; most fit
/// in 15 bytes and so in a `String` without allocation.
enum ASCII {
    static func label(
        _ prefix: StaticString,
        _ value: Int,
        width: Int,
        _ second: Int? = nil,
        width secondWidth: Int = 0
    )
        -> String
    {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            let p = buffer.baseAddress!
            var n = prefix.utf8CodeUnitCount
            p.update(from: prefix.utf8Start, count: n)
            n += put(value, width: width, at: p + n)
            if let second {
                p[n] = UInt8(ascii: "-")
                n += 1
                n += put(second, width: secondWidth, at: p + n)
            }
            return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        }
    }

    /// Writes a non-negative value zero-padded to `width` digits and returns the digits written.
    private static func put(_ value: Int, width: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
        let count = max(width, WorkloadGenerator.digits(value))
        var v = value
        for i in stride(from: count - 1, through: 0, by: -1) {
            p[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        }
        return count
    }
}
