#if arch(x86_64)
    internal import _Builtin_intrinsics.intel
    internal import CCPUFeatures
#endif

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of wire frames and log records and the
/// hash that maps employees to slots; the standard check value of "123456789" is 0xE3069283.
///
/// On x86-64 CPUs with SSE 4.2 (checked once at run time) it uses the CPU's `crc32` instruction, eight bytes at a
/// time; elsewhere slicing-by-8 tables. Both give the same value for every input.
public enum CRC32C {
    @usableFromInline static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[i] = crc
        }
        for i in 0..<256 {
            var crc = table[i]
            for slice in 1..<8 {
                crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
                table[slice * 256 + i] = crc
            }
        }
        return table
    }()

    /// Whether this CPU has the `crc32` instruction (SSE 4.2); false on other architectures. A load and a bit test
    /// of what the C runtime found at start-up, cheap enough for a caller hashing a short key per item.
    @inline(__always) static var hasHardwareSupport: Bool {
        #if arch(x86_64)
            tokenboard_cpu_has_sse42() != 0
        #else
            false
        #endif
    }

    /// The checksum of `bytes`, continuing from `crc` (the checksum of what came before, 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        #if arch(x86_64)
            if hasHardwareSupport { return hardwareChecksum(bytes, continuing: crc) }
        #endif
        return tableChecksum(bytes, continuing: crc)
    }

    /// The slicing-by-8 path, for CPUs without a CRC-32C instruction (and to check the hardware path against).
    static func tableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        var index = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { t in
            while count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ c
                let high = UInt32(truncatingIfNeeded: word >> 32)
                c =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                index += 8
            }
            while index < count {
                c = t[Int((c ^ UInt32(bytes[index])) & 0xFF)] ^ (c >> 8)
                index += 1
            }
        }
        return ~c
    }

    #if arch(x86_64)
        /// The SSE 4.2 path: one `crc32` instruction per eight bytes, then per byte for the tail. Only called when
        /// `hasHardwareSupport` is true.
        static func hardwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
            guard let base = bytes.baseAddress else { return crc }
            let count = bytes.count
            var c = UInt64(~crc)
            var index = 0
            while count - index >= 8 {
                c = _mm_crc32_u64(c, base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            var c32 = UInt32(truncatingIfNeeded: c)
            while index < count {
                c32 = _mm_crc32_u8(c32, base.load(fromByteOffset: index, as: UInt8.self))
                index += 1
            }
            return ~c32
        }
    #endif

    /// The checksum of a byte sequence.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let array = Array(bytes)
        return array.withUnsafeBytes { checksum($0) }
    }

    /// The checksum of a string's UTF-8 bytes.
    public static func checksum(utf8 string: String) -> UInt32 {
        var copy = string
        return copy.withUTF8 { checksum(UnsafeRawBufferPointer($0)) }
    }
}
