/// Whether bytes are all ASCII, eight at a time: keys, ids and most names are, and then need no further UTF-8
/// check. The binary log reader and the wire decoder both ask it for every string they read.
public enum ASCIIBytes {
    /// Whether no byte of `bytes` has its high bit set.
    @inlinable
    public static func check(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var high: UInt64 = 0
        var index = 0
        while bytes.count - index >= 8 {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
