/// XXH64 (xxHash, 64-bit, by Yann Collet), streaming: a fast, well-mixed, fixed (seeded, never per-process)
/// digest. It names Claude Code responses for de-duplication and derives `tokenboard import`'s producer id from
/// the files' bytes; it is not a cryptographic hash. Check values: "" is 0xEF46DB3751D8E999, "abc" is
/// 0x44BC2CF5AD770999 (seed 0).
public struct XXH64: Sendable {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64
    private var v4: UInt64
    private var length: UInt64 = 0
    /// Up to 31 bytes not yet folded into the lanes, in a fixed stripe (no allocation: a digest per short key
    /// must stay cheap).
    private var stripe: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pending = 0

    /// A digest of nothing yet.
    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.prime1 &+ Self.prime2
        v2 = seed &+ Self.prime2
        v3 = seed
        v4 = seed &- Self.prime1
    }

    /// The digest of `bytes`, in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var digest = XXH64(seed: seed)
        digest.update(bytes)
        return digest.finish()
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
        var copy = string
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    @inline(__always) private static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        let mixed = acc &+ lane &* prime2
        return ((mixed << 31) | (mixed >> 33)) &* prime1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* prime1 &+ prime4
    }

    @inline(__always) private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if pending > 0 {
            let take = min(32 - pending, bytes.count)
            let at = pending
            withUnsafeMutableBytes(of: &stripe) {
                $0.baseAddress!.advanced(by: at).copyMemory(from: base, byteCount: take)
            }
            pending += take
            offset = take
            guard pending == 32 else { return }
            let full = stripe
            withUnsafeBytes(of: full) { consume($0.baseAddress!) }
            pending = 0
        }
        while bytes.count - offset >= 32 {
            consume(base + offset)
            offset += 32
        }
        if offset < bytes.count {
            let rest = bytes.count - offset
            withUnsafeMutableBytes(of: &stripe) { $0.baseAddress!.copyMemory(from: base + offset, byteCount: rest) }
            pending = rest
        }
    }

    /// Feeds a number as its eight little-endian bytes.
    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Feeds a string's UTF-8 bytes followed by a 0 byte, so that consecutive strings cannot run together.
    public mutating func update(_ string: String) {
        var copy = string
        copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { update($0) }
    }

    @inline(__always) private mutating func consume(_ stripe: UnsafeRawPointer) {
        v1 = Self.round(v1, Self.word(stripe, 0))
        v2 = Self.round(v2, Self.word(stripe, 8))
        v3 = Self.round(v3, Self.word(stripe, 16))
        v4 = Self.round(v4, Self.word(stripe, 24))
    }

    /// The digest of everything fed so far.
    public func finish() -> UInt64 {
        var h: UInt64
        if length >= 32 {
            h = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.prime5
        }
        h &+= length
        withUnsafeBytes(of: stripe) { whole in
            let rest = UnsafeRawBufferPointer(rebasing: whole[0..<pending])
            var i = 0
            let n = rest.count
            while n - i >= 8 {
                let k = Self.round(0, Self.word(rest.baseAddress!, i))
                h ^= k
                h = rotate(h, 27) &* Self.prime1 &+ Self.prime4
                i += 8
            }
            if n - i >= 4 {
                let k = UInt64(UInt32(littleEndian: rest.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                h ^= k &* Self.prime1
                h = rotate(h, 23) &* Self.prime2 &+ Self.prime3
                i += 4
            }
            while i < n {
                h ^= UInt64(rest[i]) &* Self.prime5
                h = rotate(h, 11) &* Self.prime1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.prime2
        h ^= h >> 29
        h &*= Self.prime3
        h ^= h >> 32
        return h
    }

    @inline(__always) private func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
}
