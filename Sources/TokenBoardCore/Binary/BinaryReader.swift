/// Reads what `BinaryWriter` wrote, refusing to read past the end: every read of damaged input throws instead of
/// trapping or inventing values.
public struct BinaryReader: ~Copyable {
    /// Input ended early or held an impossible value.
    public struct Malformed: Error, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "malformed at byte \(offset): \(reason)" }
    }

    private let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var remaining: Int { bytes.count - offset }

    public func malformed(_ reason: String) -> Malformed {
        Malformed(offset: offset, reason: reason)
    }

    @inline(__always)
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(Malformed) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw malformed("needs \(size) more bytes, \(remaining) left") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    /// A count that must not exceed `limit` (so a damaged count cannot ask for a huge allocation). `limit` is
    /// evaluated before the count's own 8 bytes are read.
    public mutating func readCount(limit: Int) throws(Malformed) -> Int {
        let count = try read(UInt64.self)
        guard count <= UInt64(limit) else { throw malformed("count \(count) exceeds \(limit)") }
        return Int(count)
    }

    public mutating func read(_: String.Type = String.self) throws(Malformed) -> String {
        let count = Int(try read(UInt32.self))
        guard remaining >= count else { throw malformed("string of \(count) bytes, \(remaining) left") }
        let string = String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        offset += count
        return string
    }

    /// An array written by `BinaryWriter.write(contentsOf:)`.
    public mutating func readArray<T: FixedWidthInteger>(of _: T.Type = T.self) throws(Malformed) -> [T] {
        let size = MemoryLayout<T>.size
        let declared = try read(UInt64.self)
        guard declared <= UInt64(remaining / size) else {
            throw malformed("array of \(declared) elements, \(remaining) bytes left")
        }
        let count = Int(declared)
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    buffer[i] = T(littleEndian: raw.loadUnaligned(fromByteOffset: offset + i * size, as: T.self))
                }
            }
            initialized = count
        }
        offset += count * size
        return values
    }
}
