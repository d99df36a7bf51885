/// The 64-bit digest under which a record's own id (a gateway request id, a message id) is remembered for
/// de-duplication. FNV-1a: stable across processes and releases, unlike `Hasher`, and cheap for short ids. Two
/// distinct ids collide with probability about n²/2⁶⁵ among n remembered ids (under 10⁻⁷ for a million).
public enum EventKey {
    /// The digest of `id`; 0 (no key) for an empty id, and never 0 otherwise.
    public static func digest(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { digest(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The digest of an id given as its UTF-8 bytes (a binary log's records keep ids so): the same value as
    /// `digest(_:)` of the string.
    public static func digest(utf8 bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard !bytes.isEmpty else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash == 0 ? 1 : hash
    }
}
