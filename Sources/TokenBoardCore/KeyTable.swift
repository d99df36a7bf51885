/// A table of keys (a batch's employee keys) as their UTF-8 bytes back to back, each with its CRC-32C.
///
/// A worker meets every key of every batch it receives but creates a `String` only for an employee it has never
/// seen: the slot check and the shard's interning both work from the checksum computed here once per key (the same
/// CRC-32C that `SlotHasher` and `StringInterner` use), and the interner compares bytes.
public struct KeyTable: Sendable, Hashable {
    private var bytes: [UInt8] = []
    /// Per key: the offset just past its last byte in `bytes`.
    private var ends: [UInt32] = []
    /// Per key: CRC-32C of its UTF-8 bytes.
    public private(set) var checksums: [UInt32] = []

    public init() {}

    /// The table of `keys`, in order.
    public init(_ keys: some Sequence<String>) {
        for key in keys { append(key) }
    }

    public var count: Int { ends.count }

    /// Makes room for `keys` keys of `byteCount` bytes in all.
    public mutating func reserveCapacity(keys: Int, byteCount: Int) {
        ends.reserveCapacity(keys)
        checksums.reserveCapacity(keys)
        bytes.reserveCapacity(byteCount)
    }

    /// Appends a key given as its UTF-8 bytes; the caller has checked they are valid UTF-8.
    public mutating func append(utf8 key: UnsafeRawBufferPointer) {
        checksums.append(CRC32C.checksum(key))
        bytes.append(contentsOf: key)
        // A table is built from one payload (at most 4 GiB, see the frame limits), so the offset fits.
        ends.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    /// Appends a key.
    public mutating func append(_ key: String) {
        var key = key
        key.withUTF8 { append(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The number of UTF-8 bytes of key `index`.
    public func byteCount(at index: Int) -> Int {
        Int(ends[index]) - start(of: index)
    }

    /// Calls `body` with the UTF-8 bytes of key `index`.
    public func withUTF8<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = start(of: index)
        let end = Int(ends[index])
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with the keys' bytes in place, for a loop over many keys without an access per key.
    public func withUnsafeKeys<R>(_ body: (UnsafeKeys) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try checksums.withUnsafeBufferPointer { checksums in
                    try body(UnsafeKeys(bytes: bytes, ends: ends, checksums: checksums))
                }
            }
        }
    }

    /// A key table's storage, valid only inside `withUnsafeKeys`.
    public struct UnsafeKeys {
        let bytes: UnsafeRawBufferPointer
        let ends: UnsafeBufferPointer<UInt32>
        /// Per key: CRC-32C of its UTF-8 bytes.
        public let checksums: UnsafeBufferPointer<UInt32>

        public var count: Int { ends.count }

        /// The UTF-8 bytes of key `index`.
        @inline(__always)
        public subscript(index: Int) -> UnsafeRawBufferPointer {
            let start = index == 0 ? 0 : Int(ends[index - 1])
            return UnsafeRawBufferPointer(rebasing: bytes[start..<Int(ends[index])])
        }
    }

    /// Key `index` as a string.
    public subscript(index: Int) -> String {
        withUTF8(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every key as a string, in order.
    public var strings: [String] {
        (0..<count).map { self[$0] }
    }

    @inline(__always)
    private func start(of index: Int) -> Int {
        index == 0 ? 0 : Int(ends[index - 1])
    }
}
