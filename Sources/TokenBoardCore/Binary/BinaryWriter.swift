/// Appends little-endian integers and length-prefixed strings to a byte array: the encoding of snapshots and
/// other files that outlive one process, so the byte order is fixed whatever the machine.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string as its UTF-8 byte count (u32) and bytes.
    public mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Raw bytes, as they are.
    public mutating func write(bytes other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// An array of integers as its count (u64) and elements, written in one copy on little-endian machines.
    public mutating func write<T: FixedWidthInteger>(contentsOf values: [T]) {
        write(UInt64(values.count))
        #if _endian(little)
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
            for value in values { write(value) }
        #endif
    }
}
