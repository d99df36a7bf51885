import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a JSON string sits in the line (between its quotes) and whether it needs more than a copy.
struct RawString {
    var start: Int
    var end: Int
    var escaped: Bool
    var nonASCII: Bool

    /// Whether the string's value is other than its bytes as they stand, or they must be checked as UTF-8 first.
    var needsDecoding: Bool { escaped || nonASCII }
}

extension Optional where Wrapped == RawString {
    /// Whether a present string needs decoding (see `RawString.needsDecoding`); an absent one does not.
    @inline(__always) var needsDecoding: Bool { self?.needsDecoding ?? false }
}

/// A cursor over one line. Reading past the end yields 0, a byte that is valid nowhere in JSON outside a string,
/// so every expectation fails there without a separate bounds check.
struct JSONScanner {
    let p: UnsafePointer<UInt8>
    let count: Int
    var i = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.p = base
        self.count = count
    }

    var atEnd: Bool { i >= count }

    var peek: UInt8 { i < count ? p[i] : 0 }

    mutating func advance() { i += 1 }

    mutating func retreat() { i -= 1 }

    /// A known field holding another kind of JSON value, or no JSON value at all.
    func wrongType(field: String, expected: String) -> LogLineError.Reason {
        switch peek {
        case 0x22, UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "-"), 0x30...0x39:
            return .wrongType(field: field, expected: expected)
        default:
            return malformed("a JSON value")
        }
    }

    func malformed(_ expected: String) -> LogLineError.Reason {
        .malformedJSON(offset: min(i, count), expected: expected)
    }

    // The hot loops below work on a local copy of the cursor: `self` is reached through `inout`, and the compiler
    // would otherwise store the cursor back to memory on every byte.

    @inline(__always) mutating func skipWhitespace() {
        guard i < count, p[i] <= 0x20 else { return }
        var j = i
        while j < count {
            let b = p[j]
            guard b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A else { break }
            j &+= 1
        }
        i = j
    }

    /// Scans a string whose opening quote is at the cursor, leaving the cursor after the closing quote. Escapes
    /// are only stepped over here; `decode` checks them.
    @inline(__always) mutating func scanString() throws(LogLineError.Reason) -> RawString {
        let start = i &+ 1
        var j = start
        let n = count
        var escaped = false
        var nonASCII = false
        while true {
            // Eight bytes at a time while none of them needs a look: a quote, a backslash, a control character or
            // a non-ASCII byte. The lowest flagged byte of each test is always a true hit (borrows only run
            // upwards), so the first byte to examine is exact.
            while n &- j >= 8 {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                let quote = w ^ 0x2222_2222_2222_2222
                let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let flags =
                    ((quote &- 0x0101_0101_0101_0101) & ~quote) | ((backslash &- 0x0101_0101_0101_0101) & ~backslash)
                    | ((w &- 0x2020_2020_2020_2020) & ~w) | w
                let hits = flags & 0x8080_8080_8080_8080
                if hits == 0 {
                    j &+= 8
                } else {
                    j &+= hits.trailingZeroBitCount &>> 3
                    break
                }
            }
            guard j < n else { break }
            let b = p[j]
            if b == 0x22 {
                i = j &+ 1
                return RawString(start: start, end: j, escaped: escaped, nonASCII: nonASCII)
            }
            if b == 0x5C {
                escaped = true
                j &+= 2
                continue
            }
            if b < 0x20 {
                i = j
                throw malformed("no raw control characters in a string")
            }
            if b >= 0x80 { nonASCII = true }
            j &+= 1
        }
        i = n
        throw malformed("a closing quote")
    }

    /// Consumes the quoted key at the cursor if it is exactly the one described: `length` bytes after the opening
    /// quote (the key and its closing quote), `head` their first eight bytes as a little-endian word (zero-padded
    /// when shorter) and `tail` their last eight when longer.
    @inline(__always) mutating func takeKey(length: Int, head: UInt64, tail: UInt64 = 0) -> Bool {
        guard count - i > Swift.max(length, 8), p[i] == 0x22 else { return false }
        let raw = UnsafeRawPointer(p + i + 1)
        let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        if length >= 8 {
            guard first == head else { return false }
            if length > 8 {
                guard UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) == tail
                else { return false }
            }
        } else {
            guard first & ((1 << (UInt64(length) * 8)) - 1) == head else { return false }
        }
        i += 1 + length
        return true
    }

    /// Consumes the `:` after a key, with any whitespace around it.
    @inline(__always) mutating func takeColon() throws(LogLineError.Reason) {
        if i < count && p[i] == UInt8(ascii: ":") {
            i &+= 1
        } else {
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw malformed("':'") }
            i &+= 1
        }
        skipWhitespace()
    }

    /// Consumes a comma directly at the cursor.
    @inline(__always) mutating func takeComma() -> Bool {
        guard i < count, p[i] == UInt8(ascii: ",") else { return false }
        i += 1
        return true
    }

    /// Recognises a known key, closing quote included, straight from the bytes, skipping the general string
    /// scan and the comparison after it; nil (cursor unmoved) for anything else, escaped spellings included.
    @inline(__always) mutating func knownKey() -> CanonicalField? {
        // The opening quote, 16 bytes of key and a closing quote fit; near the end of the line, take the slow path.
        guard count - i >= 17 else { return nil }
        let raw = UnsafeRawPointer(p + i + 1)
        let w0 = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // Little-endian words of the key bytes and their closing quote (`id"` is 0x226469).
        let field: CanonicalField
        let length: Int
        switch w0 & 0xFF {
        case 0x69:  // i
            if w0 & 0xFF_FFFF == 0x22_6469 {
                (field, length) = (.id, 3)
            } else if w0 & 0xFFFF_FFFF_FFFF == 0x2274_7570_6E69 {
                (field, length) = (.input, 6)
            } else {
                return nil
            }
        case 0x74:  // t
            if w0 & 0xFF_FFFF == 0x22_7374 {
                (field, length) = (.ts, 3)
            } else if w0 & 0xFF_FFFF_FFFF == 0x22_6C6F_6F74 {
                (field, length) = (.tool, 5)
            } else {
                return nil
            }
        case 0x65:  // e
            guard w0 == 0x6565_796F_6C70_6D65, w1 & 0xFF == 0x22 else { return nil }
            (field, length) = (.employee, 9)
        case 0x6D:  // m
            guard w0 & 0xFFFF_FFFF_FFFF == 0x226C_6564_6F6D else { return nil }
            (field, length) = (.model, 6)
        case 0x73:  // s
            guard w0 == 0x226E_6F69_7373_6573 else { return nil }
            (field, length) = (.session, 8)
        case 0x6F:  // o
            guard w0 & 0xFF_FFFF_FFFF_FFFF == 0x22_7475_7074_756F else { return nil }
            (field, length) = (.output, 7)
        case 0x63:  // c
            if w0 == 0x6572_5F65_6863_6163 && w1 & 0xFF_FFFF == 0x22_6461 {
                (field, length) = (.cacheRead, 11)
            } else if w0 == 0x7277_5F65_6863_6163 && w1 & 0xFFFF_FFFF == 0x2265_7469 {
                (field, length) = (.cacheWrite, 12)
            } else {
                return nil
            }
        default:
            return nil
        }
        i += 1 + length
        return field
    }

    mutating func field(of key: RawString) throws(LogLineError.Reason) -> CanonicalField {
        if !key.escaped { return CanonicalField.match(p + key.start, key.end - key.start) }
        let bytes = try decode(key, field: "key")
        return bytes.withUnsafeBufferPointer { CanonicalField.match($0.baseAddress!, $0.count) }
    }

    /// A string field's value, or nil for `null`.
    @inline(__always) mutating func stringValue(field: String) throws(LogLineError.Reason) -> RawString? {
        switch peek {
        case 0x22: return try scanString()
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        default: throw wrongType(field: field, expected: "a string")
        }
    }

    /// A token count, or 0 for `null`.
    @inline(__always) mutating func countValue(field: String) throws(LogLineError.Reason) -> UInt64 {
        // Most counts are one to eight digits followed by the next separator: read them from one word, here.
        if count &- i > 8 {
            let run = digitRun(at: i)
            let next = p[i &+ run.digits]
            // More digits, a leading zero, a fraction or an exponent take the full path (which refuses or rejects
            // the last three).
            if run.digits >= 1 && (p[i] != 0x30 || run.digits == 1) && next &- 0x30 >= 10
                && next != UInt8(ascii: ".") && next | 0x20 != UInt8(ascii: "e")
            {
                i &+= run.digits
                return run.value
            }
        }
        return try countValueInFull(field: field)
    }

    /// `countValue` for any JSON value: `null`, a number of any form (refused unless a whole count in range), or
    /// something else.
    mutating func countValueInFull(field: String) throws(LogLineError.Reason) -> UInt64 {
        let first = peek
        if first == UInt8(ascii: "n") {
            try literal("null")
            return 0
        }
        guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw wrongType(field: field, expected: "an integer token count")
        }
        let number = try scanNumber()
        guard !number.fractional else { throw .countNotInteger(field: field) }
        if number.negative && number.magnitude != 0 { throw .countNegative(field: field) }
        guard !number.overflow, number.magnitude <= TokenCounts.maxPerEvent else { throw .countTooLarge(field: field) }
        return number.magnitude
    }

    /// A timestamp (`ts`, or `field` of another format) as epoch milliseconds: an RFC 3339 string or an integer;
    /// nil for `null`.
    @inline(__always) mutating func timestampValue(
        _ dates: inout DateCache,
        field: String = "ts"
    ) throws(LogLineError.Reason) -> Int64? {
        let first = peek
        if first == 0x22 {
            let raw = try scanString()
            if raw.escaped {
                let bytes = try decode(raw, field: field)
                let parsed = bytes.withUnsafeBufferPointer { RFC3339.parse($0.baseAddress!, count: $0.count) }
                guard let parsed else { throw .invalidTimestamp(String(decoding: bytes, as: UTF8.self)) }
                return parsed
            }
            guard let parsed = RFC3339.parse(p + raw.start, count: raw.end - raw.start, dates: &dates) else {
                throw .invalidTimestamp(text(raw))
            }
            return parsed
        }
        if first == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw wrongType(field: field, expected: "an RFC 3339 string or integer milliseconds")
        }
        let start = i
        let number = try scanNumber()
        let written = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        guard !number.fractional, !number.overflow else { throw .invalidTimestamp(written) }
        if number.negative {
            guard number.magnitude <= UInt64(Int64.max) + 1 else { throw .invalidTimestamp(written) }
            return Int64(truncatingIfNeeded: 0 &- number.magnitude)
        }
        guard number.magnitude <= UInt64(Int64.max) else { throw .invalidTimestamp(written) }
        return Int64(number.magnitude)
    }

    struct Number {
        var magnitude: UInt64
        var negative: Bool
        var fractional: Bool
        var overflow: Bool
    }

    @inline(__always) func isDigit(at j: Int) -> Bool { j < count && p[j] &- 0x30 < 10 }

    /// The digits leading the eight bytes at `j`, which must all be in the line: how many (0 to 8) and, when there
    /// are some, their value. One word at a time: the digits are moved to the word's top bytes (the emptied bytes
    /// below act as leading zeros) and combined pairwise.
    @inline(__always) func digitRun(at j: Int) -> (digits: Int, value: UInt64) {
        let digitValues =
            UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)) &- 0x3030_3030_3030_3030
        let nonDigits = ((digitValues &+ 0x7676_7676_7676_7676) | digitValues) & 0x8080_8080_8080_8080
        let digits = nonDigits == 0 ? 8 : nonDigits.trailingZeroBitCount &>> 3
        var x = digitValues &<< UInt64(8 &* (8 &- digits))
        x = ((x & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) &>> 8
        x = ((x & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return (digits, ((x & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32)
    }

    /// Scans a JSON number at the cursor, checking the full grammar (no leading zeros, digits after `.` and `e`).
    @inline(__always) mutating func scanNumber() throws(LogLineError.Reason) -> Number {
        var number = Number(magnitude: 0, negative: false, fractional: false, overflow: false)
        let n = count
        var j = i
        if j < n && p[j] == UInt8(ascii: "-") {
            number.negative = true
            j &+= 1
        }
        guard isDigit(at: j) else {
            i = j
            throw malformed("a digit")
        }
        if p[j] == 0x30 {
            j &+= 1
            if isDigit(at: j) {
                i = j
                throw malformed("no leading zeros")
            }
        } else {
            var value: UInt64 = 0
            var digits = 0
            if n &- j >= 8 {
                (digits, value) = digitRun(at: j)
                j &+= digits
            }
            while isDigit(at: j) {
                digits &+= 1
                let digit = UInt64(p[j] &- 0x30)
                // 19 digits always fit; only beyond that can the value overflow.
                if digits < 20 {
                    value = value &* 10 &+ digit
                } else {
                    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(digit)
                    if o1 || o2 { number.overflow = true }
                    value = sum
                }
                j &+= 1
            }
            number.magnitude = value
        }
        if j < n && p[j] == UInt8(ascii: ".") {
            number.fractional = true
            j &+= 1
            guard isDigit(at: j) else {
                i = j
                throw malformed("a digit after '.'")
            }
            while isDigit(at: j) { j &+= 1 }
        }
        if j < n && (p[j] == UInt8(ascii: "e") || p[j] == UInt8(ascii: "E")) {
            number.fractional = true
            j &+= 1
            if j < n && (p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-")) { j &+= 1 }
            guard isDigit(at: j) else {
                i = j
                throw malformed("a digit in the exponent")
            }
            while isDigit(at: j) { j &+= 1 }
        }
        i = j
        return number
    }

    mutating func literal(_ word: StaticString) throws(LogLineError.Reason) {
        let n = word.utf8CodeUnitCount
        guard count - i >= n, memcmp(p + i, word.utf8Start, n) == 0 else {
            throw malformed("\(word)")
        }
        i += n
    }

    /// Steps over any JSON value, checking it as it goes.
    mutating func skipValue(depth: Int) throws(LogLineError.Reason) {
        switch peek {
        case 0x22:
            let raw = try scanString()
            if raw.escaped { _ = try decode(raw, field: "a string") }
        case UInt8(ascii: "{"):
            guard depth <= CanonicalLineParser.maxDepth else { throw .nestedTooDeeply }
            i += 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                guard peek == 0x22 else { throw malformed("a quoted key") }
                let key = try scanString()
                if key.escaped { _ = try decode(key, field: "key") }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw malformed("':'") }
                i += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw malformed("',' or '}'") }
                i += 1
                return
            }
        case UInt8(ascii: "["):
            guard depth <= CanonicalLineParser.maxDepth else { throw .nestedTooDeeply }
            i += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                i += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    continue
                }
                guard peek == UInt8(ascii: "]") else { throw malformed("',' or ']'") }
                i += 1
                return
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), 0x30...0x39: _ = try scanNumber()
        default: throw malformed("a JSON value")
        }
    }

    /// The raw text of a string, for error messages.
    func text(_ raw: RawString) -> String {
        String(decoding: UnsafeBufferPointer(start: p + raw.start, count: raw.end - raw.start), as: UTF8.self)
    }

    /// Materialises a string value, refusing invalid UTF-8 rather than repairing it: a repaired employee key would
    /// silently be a different employee.
    @inline(__always) func string(_ raw: RawString, field: String) throws(LogLineError.Reason) -> String {
        if raw.escaped {
            let bytes = try decode(raw, field: field)
            guard let value = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: field) }
            return value
        }
        let bytes = UnsafeBufferPointer(start: p + raw.start, count: raw.end - raw.start)
        if raw.nonASCII {
            guard let value = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: field) }
            return value
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of a string that needs no decoding, as they stand in the line (valid while the line is); no bytes
    /// for an absent one.
    @inline(__always) func bytes(of raw: RawString?) -> UnsafeRawBufferPointer {
        guard let raw else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p + raw.start, count: raw.end - raw.start)
    }

    /// Like `string(_:field:)`, but shares the string of a name seen before.
    @inline(__always) func string(_ raw: RawString, field: String, cache: inout StringCache) throws(LogLineError.Reason)
        -> String
    {
        guard !raw.escaped, !raw.nonASCII else { return try string(raw, field: field) }
        return cache.string(p + raw.start, count: raw.end - raw.start, readable: count - raw.start)
    }

    /// Resolves the escapes of a string into its UTF-8 bytes.
    func decode(_ raw: RawString, field: String) throws(LogLineError.Reason) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.end - raw.start)
        var j = raw.start
        func hex4(_ at: Int) throws(LogLineError.Reason) -> UInt32 {
            guard raw.end - at >= 4 else { throw .malformedJSON(offset: at, expected: "four hex digits") }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let c = p[k]
                let digit: UInt8
                switch c {
                case 0x30...0x39: digit = c - 0x30
                case 0x41...0x46: digit = c - 0x41 + 10
                case 0x61...0x66: digit = c - 0x61 + 10
                default: throw .malformedJSON(offset: k, expected: "a hex digit")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while j < raw.end {
            let b = p[j]
            guard b == 0x5C else {
                out.append(b)
                j += 1
                continue
            }
            guard j + 1 < raw.end else { throw .malformedJSON(offset: j, expected: "an escape") }
            let e = p[j + 1]
            j += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(j)
                j += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // A high surrogate must be followed by an escaped low surrogate; together they are one scalar.
                    guard raw.end - j >= 6, p[j] == 0x5C, p[j + 1] == UInt8(ascii: "u") else {
                        throw .invalidUTF8(field: field)
                    }
                    let low = try hex4(j + 2)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw .invalidUTF8(field: field) }
                    j += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw .invalidUTF8(field: field)
                }
                appendUTF8(scalar, to: &out)
            default:
                throw .malformedJSON(offset: j - 1, expected: "a valid escape")
            }
        }
        return out
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
