/// An `Idempotency-Key` header turned into the producer id of numbered batches: the same key and the same body
/// always give the same id, hence the same numbered batches, which the workers acknowledge as duplicates the
/// second time. The body is part of the id so that a key reused for different events cannot make them count
/// as duplicates of the first request and be dropped.
enum IdempotencyKey {
    /// The longest key accepted, in bytes.
    static let maxLength = 255

    /// Checks a key: 1 to 255 printable ASCII characters.
    static func validate(_ key: String) throws(APIError) {
        guard !key.isEmpty, key.utf8.count <= maxLength, key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("Idempotency-Key must be 1 to \(maxLength) printable ASCII characters without spaces")
        }
    }

    /// FNV-1a (64 bits) of the key, a separator and the body; never 0 (producer 0 means unnumbered).
    static func producerID(key: String, body: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in key.utf8 { mix(byte) }
        mix(0)
        for byte in body { mix(byte) }
        return hash == 0 ? 1 : hash
    }
}
