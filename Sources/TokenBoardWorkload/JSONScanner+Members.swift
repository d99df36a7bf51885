#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An object key as its UTF-8 bytes, escapes resolved.
struct JSONKey {
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    /// Only an escaped key (rare) is copied.
    private let decoded: [UInt8]?

    init(_ raw: RawString, in scanner: JSONScanner) throws(LogLineError.Reason) {
        if raw.escaped {
            let bytes = try scanner.decode(raw, field: "key")
            decoded = bytes
            base = nil
            count = bytes.count
        } else {
            decoded = nil
            base = scanner.p + raw.start
            count = raw.end - raw.start
        }
    }

    /// Whether the key is exactly `literal`.
    func `is`(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        if let decoded {
            return count == 0
                || decoded.withUnsafeBufferPointer { memcmp($0.baseAddress!, literal.utf8Start, count) == 0 }
        }
        return count == 0 || memcmp(base!, literal.utf8Start, count) == 0
    }
}

extension JSONScanner {
    /// Walks the object at the cursor (at its `{`; `depth` is its nesting level, the line's own object being 1),
    /// calling `member` with each key and the cursor at the key's value, which `member` must consume: read it or
    /// `skipValue(depth: depth + 1)`. The object's grammar is checked as it goes; the cursor ends after its `}`.
    mutating func forEachMember(
        depth: Int,
        _ member: (inout JSONScanner, JSONKey) throws(LogLineError.Reason) -> Void
    ) throws(LogLineError.Reason) {
        guard peek == UInt8(ascii: "{") else { throw malformed("'{'") }
        guard depth <= CanonicalLineParser.maxDepth else { throw .nestedTooDeeply }
        advance()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            advance()
            return
        }
        while true {
            guard peek == 0x22 else { throw malformed("a quoted key") }
            let key = try JSONKey(scanString(), in: self)
            try takeColon()
            try member(&self, key)
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                advance()
                skipWhitespace()
                continue
            }
            guard peek == UInt8(ascii: "}") else { throw malformed("',' or '}'") }
            advance()
            return
        }
    }

    /// Whether the value at the cursor is `null`, which is then consumed.
    mutating func takeNull() throws(LogLineError.Reason) -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A string value as a `String`, or nil for `null`; anything else is the wrong type for `field`.
    mutating func optionalString(field: String) throws(LogLineError.Reason) -> String? {
        guard let raw = try stringValue(field: field) else { return nil }
        return try string(raw, field: field)
    }

    /// Whole seconds since the Unix epoch (an integer, `created` of OpenAI records) as epoch milliseconds; nil for
    /// `null`.
    mutating func unixSecondsValue(field: String) throws(LogLineError.Reason) -> Int64? {
        if try takeNull() { return nil }
        let first = peek
        guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw wrongType(field: field, expected: "integer seconds since 1970")
        }
        let start = i
        let number = try scanNumber()
        // Ten thousand years either way of 1970 is far beyond any real record and keeps the product in range.
        let limit: UInt64 = 316_000_000_000
        guard !number.fractional, !number.overflow, number.magnitude <= limit else {
            throw .invalidTimestamp(
                String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
            )
        }
        let seconds = Int64(number.magnitude)
        return (number.negative ? -seconds : seconds) * 1000
    }

    /// Skips a line's leading whitespace; true when nothing else is on it.
    mutating func isBlankLine() -> Bool {
        skipWhitespace()
        return atEnd
    }

    /// After the line's object: only whitespace may follow.
    mutating func expectEndOfLine() throws(LogLineError.Reason) {
        skipWhitespace()
        guard atEnd else { throw malformed("end of line") }
    }

    /// For a line that is not an object: tells valid JSON of the wrong shape (`notAnObject`) from garbage.
    mutating func refuseNonObject() throws(LogLineError.Reason) -> Never {
        try skipValue(depth: 1)
        try expectEndOfLine()
        throw .notAnObject
    }
}
