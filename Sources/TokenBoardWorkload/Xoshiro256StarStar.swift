/// SplitMix64, used to expand a 64-bit seed into xoshiro state: consecutive outputs are well mixed even for
/// seeds such as 0, 1, 2, which xoshiro itself must never be seeded with directly. Also a small deterministic
/// `RandomNumberGenerator` for tests that draw random inputs.
public struct SplitMix64: Sendable, RandomNumberGenerator {
    /// The counter that each output is mixed from.
    public var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijection on 64-bit words that spreads every input bit over the output.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna), the generator behind every random choice of the workload generator.
///
/// The workload must be reproducible from its seed on every run, so it never touches
/// `SystemRandomNumberGenerator` or `Hasher`, and it does not lean on the standard library's
/// `random(in:using:)` algorithms either, whose exact use of the bits is not promised to stay the same between
/// Swift releases: every draw goes through the methods below.
public struct Xoshiro256StarStar: Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator whose state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// An independent stream for one purpose (`stream`) under one seed, so that, say, the events of one employee
    /// on one day can be drawn without drawing everything before them.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: SplitMix64.mix(seed ^ 0x6A09_E667_F3BC_C909) ^ SplitMix64.mix(stream &+ 0xBB67_AE85_84CA_A73B))
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in (0, 1], safe to take the logarithm of.
    @inlinable public mutating func nextOpenDouble() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// A uniform double in [lower, upper).
    @inlinable public mutating func nextDouble(in lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextDouble()
    }

    /// A uniform integer in 0..<bound (bound > 0), by Lemire's multiply-and-reject method, so no bias.
    @inlinable public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// True with probability `p`.
    @inlinable public mutating func chance(_ p: Double) -> Bool {
        nextDouble() < p
    }
}

extension UInt64 {
    @inlinable func rotatedLeft(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
