extension CRC32C {
    /// The checksum of `a` followed by `b`, from `first` (the checksum of `a`), `second` (of `b`) and `b`'s length,
    /// without reading either: a CRC is linear, so appending `n` bytes multiplies the first checksum by x^(8n)
    /// modulo the polynomial. O(log n) steps of 32-bit carry-less arithmetic.
    ///
    /// This is how a frame that reuses most of a stored block gets its checksum from the block's stored one
    /// instead of a second pass over a megabyte.
    public static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        shift(first, by: secondLength) ^ second
    }

    /// `crc` as it stands after `length` more bytes whose own checksum is 0: `crc` × x^(8 × length) mod P.
    public static func shift(_ crc: UInt32, by length: Int) -> UInt32 {
        precondition(length >= 0, "a length is never negative")
        var result = crc
        var n = length
        // powers[k] is x^(8 × 2^k) mod P: bit k of the length says whether to multiply by it.
        var k = 0
        while n != 0 {
            if n & 1 != 0 { result = multiply(result, bytePowers[k]) }
            n >>= 1
            k += 1
        }
        return result
    }

    /// x^(8 × 2^k) mod P for k = 0..<64, in the reflected bit order the checksum uses (bit 31 is x^0).
    private static let bytePowers: [UInt32] = {
        var powers: [UInt32] = []
        // x^8: in the reflected order x^i is bit 31 - i.
        var power: UInt32 = 1 << (31 - 8)
        for _ in 0..<64 {
            powers.append(power)
            power = multiply(power, power)
        }
        return powers
    }()

    /// a × b mod P, both polynomials in the reflected bit order.
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var product: UInt32 = 0
        var multiplier = b
        var bit: UInt32 = 1 << 31
        // For each power of x in `a` from x^0 up, add `b` × that power, keeping `multiplier` = b × x^i mod P.
        while bit != 0 {
            if a & bit != 0 { product ^= multiplier }
            multiplier = multiplier & 1 != 0 ? (multiplier >> 1) ^ 0x82F6_3B78 : multiplier >> 1
            bit >>= 1
        }
        return product
    }
}
