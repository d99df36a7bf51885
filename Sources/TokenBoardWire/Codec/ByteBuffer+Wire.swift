import NIOCore
import TokenBoardCore

/// A value with a payload encoding. Messages are built from these, so every field is read through one of the few
/// checked primitives below and no decoder does its own bounds arithmetic.
protocol WireCodable {
    /// The fewest bytes any value's encoding takes. Arrays check `count × minimumWireSize` against the bytes left
    /// before allocating, so a forged count cannot make a node reserve memory the payload does not back.
    static var minimumWireSize: Int { get }

    init(wire buffer: inout ByteBuffer) throws(WireError)

    func write(to buffer: inout ByteBuffer)
}

/// The longest string a payload may carry. Keys, labels and messages are far shorter; the cap bounds what one
/// length field can claim.
let maxWireStringBytes = 64 << 10

extension ByteBuffer {
    /// Reads a value of an inferred type.
    mutating func readWire<T: WireCodable>(_ type: T.Type = T.self) throws(WireError) -> T {
        try T(wire: &self)
    }

    mutating func writeWire<T: WireCodable>(_ value: T) {
        value.write(to: &self)
    }

    /// Reads a little-endian integer.
    mutating func readWireInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(WireError) -> T {
        guard let value = readInteger(endianness: .little, as: T.self) else {
            throw .truncated("integer", needed: MemoryLayout<T>.size, remaining: readableBytes)
        }
        return value
    }

    /// Reads an array's element count and checks that the bytes left can hold that many elements of at least
    /// `minimumElementSize` bytes each.
    mutating func readWireCount(minimumElementSize: Int) throws(WireError) -> Int {
        let count = Int(try readWireInteger(UInt32.self))
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumElementSize)
        guard !overflow, needed <= readableBytes else {
            throw .malformedPayload(
                "array of \(count) elements needs at least \(count) × \(minimumElementSize) bytes, \(readableBytes) remain"
            )
        }
        return count
    }

    /// Writes an array's element count.
    mutating func writeWireCount(_ count: Int) {
        // A payload longer than 4 GiB cannot be framed at all (the frame encoder refuses it), so the count of
        // any array that is actually sent fits.
        writeInteger(UInt32(truncatingIfNeeded: count), endianness: .little)
    }
}

// MARK: - Integers

extension UInt8: WireCodable {
    static var minimumWireSize: Int { 1 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self) }
}

extension UInt16: WireCodable {
    static var minimumWireSize: Int { 2 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self, endianness: .little) }
}

extension UInt32: WireCodable {
    static var minimumWireSize: Int { 4 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self, endianness: .little) }
}

extension UInt64: WireCodable {
    static var minimumWireSize: Int { 8 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self, endianness: .little) }
}

extension Int32: WireCodable {
    static var minimumWireSize: Int { 4 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self, endianness: .little) }
}

extension Int64: WireCodable {
    static var minimumWireSize: Int { 8 }
    init(wire buffer: inout ByteBuffer) throws(WireError) { self = try buffer.readWireInteger() }
    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self, endianness: .little) }
}

// MARK: - Bool, String, Optional, Array

extension Bool: WireCodable {
    static var minimumWireSize: Int { 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        switch try buffer.readWireInteger(UInt8.self) {
        case 0: self = false
        case 1: self = true
        case let other: throw .malformedPayload("boolean byte \(other) is neither 0 nor 1")
        }
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(self ? 1 : 0 as UInt8) }
}

extension String: WireCodable {
    static var minimumWireSize: Int { 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self = try buffer.readWithUnsafeReadableBytes { raw throws(WireError) -> (Int, String) in
            var offset = 0
            let string = try String.read(from: raw, at: &offset)
            return (offset, string)
        }
    }

    /// Writes the UTF-8 bytes whatever their length: a string over `maxWireStringBytes` makes the peer refuse
    /// the message, which is better than sending a silently shortened key.
    func write(to buffer: inout ByteBuffer) {
        let length = utf8.count
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 4 + length) { raw in
            var offset = 0
            store(into: raw, at: &offset)
            return offset
        }
    }

    /// Reads a length-prefixed string at `offset` of `raw` and advances `offset` past it. Working on raw bytes lets
    /// a whole string table be read in one pass without per-string buffer bookkeeping.
    static func read(from raw: UnsafeRawBufferPointer, at offset: inout Int) throws(WireError) -> String {
        let bytes = try readUTF8(from: raw, at: &offset)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a length-prefixed string at `offset` of `raw` as its bytes, checked to be valid UTF-8 (so making a
    /// string of them changes nothing), and advances `offset` past it.
    static func readUTF8(
        from raw: UnsafeRawBufferPointer,
        at offset: inout Int
    ) throws(WireError) -> UnsafeRawBufferPointer {
        guard raw.count - offset >= 4 else {
            throw .truncated("string length", needed: 4, remaining: raw.count - offset)
        }
        let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        guard length <= maxWireStringBytes else {
            throw .malformedPayload("string of \(length) bytes exceeds the limit of \(maxWireStringBytes) bytes")
        }
        guard raw.count - offset >= length else {
            throw .truncated("string", needed: length, remaining: raw.count - offset)
        }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length])
        guard isValidUTF8(bytes) else { throw .malformedPayload("string is not valid UTF-8") }
        offset += length
        return bytes
    }

    /// Whether `bytes` are valid UTF-8. Keys are nearly always ASCII, which is checked eight bytes at a time;
    /// anything else goes through `init?(validUTF8:)`.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if ASCIIBytes.check(bytes) { return true }
        return String(validUTF8: bytes.assumingMemoryBound(to: UInt8.self)) != nil
    }

    /// Stores the length and UTF-8 bytes at `offset` of `raw` (which must have room) and advances `offset`.
    func store(into raw: UnsafeMutableRawBufferPointer, at offset: inout Int) {
        let base = raw.baseAddress.unsafelyUnwrapped
        let copied = utf8.withContiguousStorageIfAvailable { utf8 in
            base.storeBytes(
                of: UInt32(truncatingIfNeeded: utf8.count).littleEndian,
                toByteOffset: offset,
                as: UInt32.self
            )
            if let source = utf8.baseAddress {
                (base + offset + 4).copyMemory(from: source, byteCount: utf8.count)
            }
            return utf8.count
        }
        if let copied {
            offset += 4 + copied
        } else {
            // Strings that are not stored as contiguous UTF-8 (bridged ones) take the slow path.
            base.storeBytes(
                of: UInt32(truncatingIfNeeded: utf8.count).littleEndian,
                toByteOffset: offset,
                as: UInt32.self
            )
            offset += 4
            for byte in utf8 {
                base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
        }
    }

    /// The string of `bytes`, or nil when they are not valid UTF-8. `String(decoding:)` has the fast, non-generic
    /// path; it replaces invalid sequences with U+FFFD, which always changes the bytes, so unchanged bytes prove
    /// the input was valid.
    init?(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.count == bytes.count else { return nil }
        let isUnchanged =
            decoded.utf8.withContiguousStorageIfAvailable { Self.equalBytes($0, bytes) }
            ?? decoded.utf8.elementsEqual(bytes)
        guard isUnchanged else { return nil }
        self = decoded
    }

    /// Compares two equally long byte runs a word at a time (the generic `elementsEqual` goes byte by byte).
    private static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == b.count }
        let rawA = UnsafeRawPointer(pa)
        let rawB = UnsafeRawPointer(pb)
        var index = 0
        while a.count - index >= 8 {
            guard
                rawA.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == rawB.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index += 8
        }
        while index < a.count {
            guard pa[index] == pb[index] else { return false }
            index += 1
        }
        return true
    }
}

extension ByteBuffer {
    /// Reads an array of strings in one pass over the raw bytes; the string tables of an ingest batch hold
    /// thousands of keys, where per-string buffer bookkeeping would cost more than the copying.
    mutating func readWireStrings() throws(WireError) -> [String] {
        let count = try readWireCount(minimumElementSize: String.minimumWireSize)
        return try readWithUnsafeReadableBytes { raw throws(WireError) -> (Int, [String]) in
            var strings: [String] = []
            strings.reserveCapacity(count)
            var offset = 0
            for _ in 0..<count {
                strings.append(try String.read(from: raw, at: &offset))
            }
            return (offset, strings)
        }
    }

    /// Reads an array of strings without creating them: `body` gets each one's index, the array's count and its
    /// bytes (valid UTF-8, and only for the call), after the checks `readWireStrings()` makes.
    mutating func readWireUTF8Strings(
        _ body: (_ index: Int, _ count: Int, _ utf8: UnsafeRawBufferPointer) -> Void
    ) throws(WireError) {
        let count = try readWireCount(minimumElementSize: String.minimumWireSize)
        try readWithUnsafeReadableBytes { raw throws(WireError) -> Int in
            var offset = 0
            for index in 0..<count {
                body(index, count, try String.readUTF8(from: raw, at: &offset))
            }
            return offset
        }
    }

    /// Writes an array of strings into one reserved region.
    mutating func writeWireStrings(_ strings: [String]) {
        let size = strings.reduce(4) { $0 + 4 + $1.utf8.count }
        writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            raw.storeBytes(of: UInt32(truncatingIfNeeded: strings.count).littleEndian, toByteOffset: 0, as: UInt32.self)
            var offset = 4
            for string in strings {
                string.store(into: raw, at: &offset)
            }
            return offset
        }
    }
}

extension Optional: WireCodable where Wrapped: WireCodable {
    static var minimumWireSize: Int { 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        switch try buffer.readWireInteger(UInt8.self) {
        case 0: self = .none
        case 1: self = .some(try Wrapped(wire: &buffer))
        case let other: throw .malformedPayload("optional presence flag \(other) is neither 0 nor 1")
        }
    }

    func write(to buffer: inout ByteBuffer) {
        switch self {
        case .none:
            buffer.writeInteger(0 as UInt8)
        case .some(let value):
            buffer.writeInteger(1 as UInt8)
            value.write(to: &buffer)
        }
    }
}

extension Array: WireCodable where Element: WireCodable {
    static var minimumWireSize: Int { 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let count = try buffer.readWireCount(minimumElementSize: Element.minimumWireSize)
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try Element(wire: &buffer))
        }
        self = elements
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWireCount(count)
        for element in self {
            element.write(to: &buffer)
        }
    }
}
