import TokenBoardCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses one line of the canonical JSONL log (docs/LOG-FORMAT.md) into a `UsageEvent`.
///
/// A hand-written byte scanner rather than `JSONSerialization` or `JSONDecoder`: replaying a month of usage means
/// tens of millions of lines, and the Foundation decoders build a dictionary of boxed values per line, an order
/// of magnitude slower. The scanner still checks the whole line against the JSON grammar, unknown keys included,
/// so a truncated or corrupted line is refused rather than half-read.
///
/// It remembers the strings of the few distinct long model and tool names, so that they are shared instead of
/// allocated for every line; hence `parse` is `mutating`.
public struct CanonicalLineParser: Sendable {
    /// Objects and arrays nested deeper than this (the line's own object is level 1) are refused, which bounds
    /// the recursion spent skipping unknown values.
    public static let maxDepth = 64
    /// The longest employee key accepted, in UTF-8 bytes; the same limit `EventBatch.validate()` enforces.
    public static let maxEmployeeBytes = 256

    private var models = StringCache()
    private var tools = StringCache()
    private var dates = DateCache()

    /// A parser with nothing remembered yet.
    public init() {}

    /// Parses one line without its newline. Returns nil for a blank line (only spaces, tabs and carriage returns).
    public mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError.Reason) -> UsageEvent? {
        guard let base = line.baseAddress, !line.isEmpty else { return nil }
        var scanner = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        return try parse(&scanner)
    }

    /// Parses one line given as a string; a convenience for tests and tools.
    public mutating func parse(_ line: String) throws(LogLineError.Reason) -> UsageEvent? {
        var copy = line
        // `withUTF8` only rethrows untyped errors, so the typed one travels out in a `Result`.
        let result = copy.withUTF8 { utf8 -> Result<UsageEvent?, LogLineError.Reason> in
            do throws(LogLineError.Reason) {
                return .success(try parse(UnsafeRawBufferPointer(utf8)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one line without its newline straight into `builder`, which must have room for it (a batch builder
    /// with fewer than 65,536 events): the same event `parse(_:)` returns, but its names are handed over as the
    /// line's bytes when they hold no escapes and only ASCII, with no string made. Returns false for a blank line.
    public mutating func parse<Builder: EventBytesAppending>(
        _ line: UnsafeRawBufferPointer,
        into builder: inout Builder
    )
        throws(LogLineError.Reason) -> Bool
    {
        guard let base = line.baseAddress, !line.isEmpty else { return false }
        var s = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        var fields = Fields()
        guard try scan(&s, into: &fields) else { return false }
        let required = try fields.required()
        guard
            !fields.id.needsDecoding && !required.employee.needsDecoding && !required.model.needsDecoding
                && !fields.tool.needsDecoding && !fields.session.needsDecoding
        else {
            let appended = builder.append(try event(fields, s))
            precondition(appended, "a builder with room for the event")
            return true
        }
        try Self.check(employeeBytes: required.employee.end - required.employee.start)
        guard required.model.end > required.model.start else { throw .emptyField("model") }
        let appended = builder.append(
            id: s.bytes(of: fields.id),
            timestampMillis: required.timestamp,
            employee: s.bytes(of: required.employee),
            model: s.bytes(of: required.model),
            tool: s.bytes(of: fields.tool),
            session: s.bytes(of: fields.session),
            counts: fields.counts
        )
        precondition(appended, "a builder with room for the event")
        return true
    }

    @inline(__always) private mutating func parse(_ s: inout JSONScanner) throws(LogLineError.Reason) -> UsageEvent? {
        var fields = Fields()
        guard try scan(&s, into: &fields) else { return nil }
        return try event(fields, s)
    }

    /// Reads the fields of a line's object into `fields` (empty), checked against the JSON grammar; false for a
    /// blank line. Filled in place rather than returned, which would copy the fields once more per line.
    @inline(__always) private mutating func scan(_ s: inout JSONScanner, into fields: inout Fields)
        throws(LogLineError.Reason) -> Bool
    {
        s.skipWhitespace()
        if s.atEnd { return false }
        guard s.peek == UInt8(ascii: "{") else {
            // Distinguish "valid JSON, wrong shape" from garbage: the first is a producer bug worth naming.
            try s.skipValue(depth: 1)
            s.skipWhitespace()
            guard s.atEnd else { throw s.malformed("end of line") }
            throw .notAnObject
        }
        s.advance()
        var state = ObjectState.start
        // Fast path: the keys in the order `CanonicalLogWriter` writes them, without whitespace. Straight-line code
        // with one predictable branch per key; the first surprise (another order, an unknown key, whitespace)
        // hands over to the general loop below, which continues from wherever this stopped.
        // It works on a copy of the cursor that no out-of-line call ever sees, so the copy can live in registers.
        var cursor = s
        fast: do {
            guard cursor.takeKey(length: 3, head: 0x22_6469) else { break fast }
            try cursor.takeColon()
            fields.id = try cursor.stringValue(field: "id")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            state = .afterComma
            guard cursor.takeKey(length: 3, head: 0x22_7374) else { break fast }
            try cursor.takeColon()
            fields.timestamp = try cursor.timestampValue(&dates)
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 9, head: 0x6565_796F_6C70_6D65, tail: 0x2265_6579_6F6C_706D) else {
                break fast
            }
            try cursor.takeColon()
            fields.employee = try cursor.stringValue(field: "employee")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 6, head: 0x226C_6564_6F6D) else { break fast }
            try cursor.takeColon()
            fields.model = try cursor.stringValue(field: "model")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 5, head: 0x22_6C6F_6F74) else { break fast }
            try cursor.takeColon()
            fields.tool = try cursor.stringValue(field: "tool")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 8, head: 0x226E_6F69_7373_6573) else { break fast }
            try cursor.takeColon()
            fields.session = try cursor.stringValue(field: "session")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 6, head: 0x2274_7570_6E69) else { break fast }
            try cursor.takeColon()
            fields.counts.input = try cursor.countValue(field: "input")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 7, head: 0x22_7475_7074_756F) else { break fast }
            try cursor.takeColon()
            fields.counts.output = try cursor.countValue(field: "output")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 12, head: 0x7277_5F65_6863_6163, tail: 0x2265_7469_7277_5F65) else {
                break fast
            }
            try cursor.takeColon()
            fields.counts.cacheWrite = try cursor.countValue(field: "cache_write")
            guard cursor.takeComma() else {
                state = .afterValue
                break fast
            }
            guard cursor.takeKey(length: 11, head: 0x6572_5F65_6863_6163, tail: 0x2264_6165_725F_6568) else {
                break fast
            }
            try cursor.takeColon()
            fields.counts.cacheRead = try cursor.countValue(field: "cache_read")
            state = .afterValue
        }
        s = cursor
        general: while true {
            switch state {
            case .start:
                s.skipWhitespace()
                if s.peek == UInt8(ascii: "}") {
                    s.advance()
                    break general
                }
            case .afterComma:
                s.skipWhitespace()
            case .afterValue:
                s.skipWhitespace()
                let separator = s.peek
                if separator == UInt8(ascii: "}") {
                    s.advance()
                    break general
                }
                guard separator == UInt8(ascii: ",") else { throw s.malformed("',' or '}'") }
                s.advance()
                s.skipWhitespace()
            }
            guard s.peek == UInt8(ascii: "\"") else { throw s.malformed("a quoted key") }
            let field: CanonicalField
            if let known = s.knownKey() {
                field = known
            } else {
                field = try s.field(of: s.scanString())
            }
            try s.takeColon()
            try fields.read(field, &s, dates: &dates)
            state = .afterValue
        }
        s.skipWhitespace()
        guard s.atEnd else { throw s.malformed("end of line") }
        return true
    }

    /// The event of a line's fields (`s` is the line's scanner).
    @inline(__always) private mutating func event(_ fields: Fields, _ s: JSONScanner) throws(LogLineError.Reason)
        -> UsageEvent
    {
        let (timestamp, employee, model) = try fields.required()
        let employeeKey = try s.string(employee, field: "employee")
        try Self.check(employeeBytes: employeeKey.utf8.count)
        let modelName = try s.string(model, field: "model", cache: &models)
        guard !modelName.isEmpty else { throw .emptyField("model") }
        var id = ""
        if let raw = fields.id { id = try s.string(raw, field: "id") }
        var tool = ""
        if let raw = fields.tool { tool = try s.string(raw, field: "tool", cache: &tools) }
        var session = ""
        if let raw = fields.session { session = try s.string(raw, field: "session") }
        return UsageEvent(
            id: id,
            timestampMillis: timestamp,
            employee: employeeKey,
            model: modelName,
            tool: tool,
            session: session,
            counts: fields.counts
        )
    }

    /// Refuses an employee key of no bytes or more than `maxEmployeeBytes`.
    @inline(__always) private static func check(employeeBytes: Int) throws(LogLineError.Reason) {
        guard employeeBytes > 0 else { throw .emptyField("employee") }
        guard employeeBytes <= maxEmployeeBytes else {
            throw .fieldTooLong(field: "employee", limit: maxEmployeeBytes)
        }
    }
}

/// Where the object loop stands.
private enum ObjectState {
    /// Just after `{`: a key or `}`.
    case start
    /// Just after `,`: a key.
    case afterComma
    /// Just after a value: `,` or `}`.
    case afterValue
}

/// The values of a line's known keys as they are found.
private struct Fields {
    var id: RawString?
    var timestamp: Int64?
    var employee: RawString?
    var model: RawString?
    var tool: RawString?
    var session: RawString?
    var counts = TokenCounts()

    /// The values every event needs, or the error of the first one missing.
    @inline(__always) func required() throws(LogLineError.Reason) -> (
        timestamp: Int64, employee: RawString, model: RawString
    ) {
        guard let timestamp else { throw .missingField("ts") }
        guard let employee else { throw .missingField("employee") }
        guard let model else { throw .missingField("model") }
        return (timestamp, employee, model)
    }

    /// Reads the value of a key's field. A repeated key overwrites the earlier value.
    mutating func read(
        _ field: CanonicalField,
        _ s: inout JSONScanner,
        dates: inout DateCache
    ) throws(LogLineError.Reason) {
        switch field {
        case .id: id = try s.stringValue(field: "id")
        case .employee: employee = try s.stringValue(field: "employee")
        case .model: model = try s.stringValue(field: "model")
        case .tool: tool = try s.stringValue(field: "tool")
        case .session: session = try s.stringValue(field: "session")
        case .ts: timestamp = try s.timestampValue(&dates)
        case .input: counts.input = try s.countValue(field: "input")
        case .output: counts.output = try s.countValue(field: "output")
        case .cacheWrite: counts.cacheWrite = try s.countValue(field: "cache_write")
        case .cacheRead: counts.cacheRead = try s.countValue(field: "cache_read")
        case .unknown: try s.skipValue(depth: 2)
        }
    }
}

/// The known keys of a canonical line.
enum CanonicalField {
    case id, ts, employee, model, tool, session, input, output, cacheWrite, cacheRead, unknown

    static func match(_ k: UnsafePointer<UInt8>, _ n: Int) -> CanonicalField {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            memcmp(k, literal.utf8Start, n) == 0
        }
        switch n {
        case 2:
            if k[0] == UInt8(ascii: "t") && k[1] == UInt8(ascii: "s") { return .ts }
            if k[0] == UInt8(ascii: "i") && k[1] == UInt8(ascii: "d") { return .id }
        case 4: if equals("tool") { return .tool }
        case 5:
            if equals("model") { return .model }
            if equals("input") { return .input }
        case 6: if equals("output") { return .output }
        case 7: if equals("session") { return .session }
        case 8: if equals("employee") { return .employee }
        case 10: if equals("cache_read") { return .cacheRead }
        case 11: if equals("cache_write") { return .cacheWrite }
        default: break
        }
        return .unknown
    }
}
