import TokenBoardCore

/// Decodes Gemini usage records, one JSON object per line (docs/LOG-FORMAT.md): a `generateContent` response with
/// `usageMetadata`, at the top level or under `response` (the lines of Vertex AI batch prediction output and of
/// Gemini batch results). Gemini counts cached tokens inside the prompt, as OpenAI does, so input is prompt minus
/// cached (plus the tool-use prompt) and cache reads are the cached tokens; thinking tokens are outside the
/// candidates count, and are billed as output with it.
public struct GeminiDecoder: JSONLineDecoder {
    public static var format: LogFormat { .gemini }
    /// The tool every event is credited to: the records say which API was called, not which client called it.
    public static let tool = "gemini-api"

    private var employees: RecordEmployees
    private var models = StringCache()
    private var dates = DateCache()

    /// A decoder that finds each record's employee through `employees`.
    public init(employees: RecordEmployees) {
        self.employees = employees
    }

    public mutating func decode(_ line: UnsafeRawBufferPointer, into events: inout [UsageEvent])
        throws(LogLineError.Reason) -> DecodedLine
    {
        guard let base = line.baseAddress, !line.isEmpty else { return .skipped }
        var s = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        if s.isBlankLine() { return .skipped }
        guard s.peek == UInt8(ascii: "{") else { try s.refuseNonObject() }

        var record = GeminiRecord()
        try s.forEachMember(depth: 1) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("response") && s.peek == UInt8(ascii: "{") {
                try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                    try read(key, &s, into: &record, prefix: "response.", depth: 2)
                }
            } else {
                try read(key, &s, into: &record, prefix: "", depth: 1)
            }
        }
        try s.expectEndOfLine()

        guard let usage = record.usage else { return .skipped }
        guard usage.cached <= usage.prompt else {
            throw .inconsistentCounts(
                "cachedContentTokenCount (\(usage.cached)) exceeds promptTokenCount (\(usage.prompt)), which includes the cached tokens"
            )
        }
        let counts = TokenCounts(
            input: usage.prompt - usage.cached + usage.toolUsePrompt,
            output: usage.candidates + usage.thoughts,
            cacheWrite: 0,
            cacheRead: usage.cached
        )
        guard counts.isPlausibleForOneEvent else {
            throw .inconsistentCounts("a token count exceeds \(TokenCounts.maxPerEvent)")
        }
        events.append(
            try employees.event(
                id: record.id,
                timestamp: record.createTime ?? record.processedTime ?? record.timestamp,
                timeField: "createTime",
                model: record.model,
                modelField: "modelVersion",
                user: record.user,
                tool: Self.tool,
                counts: counts
            )
        )
        return .usage
    }

    /// Reads one member of a record (top level, or its `response`) named `prefix + key`.
    private mutating func read(
        _ key: JSONKey,
        _ s: inout JSONScanner,
        into record: inout GeminiRecord,
        prefix: String,
        depth: Int
    ) throws(LogLineError.Reason) {
        if key.is("responseId") {
            record.id = try s.optionalString(field: prefix + "responseId")
        } else if key.is("modelVersion") || key.is("model") {
            if let raw = try s.stringValue(field: prefix + "modelVersion") {
                record.model = try s.string(raw, field: prefix + "modelVersion", cache: &models)
            }
        } else if key.is("user") {
            record.user = try s.optionalString(field: prefix + "user")
        } else if key.is("createTime") {
            record.createTime = try s.timestampValue(&dates, field: prefix + "createTime")
        } else if key.is("processed_time") {
            record.processedTime = try s.timestampValue(&dates, field: prefix + "processed_time")
        } else if key.is("timestamp") {
            record.timestamp = try s.timestampValue(&dates, field: prefix + "timestamp")
        } else if key.is("usageMetadata") {
            if try s.takeNull() { return }
            guard s.peek == UInt8(ascii: "{") else {
                throw s.wrongType(field: prefix + "usageMetadata", expected: "an object")
            }
            var usage = GeminiUsage()
            try s.forEachMember(depth: depth + 1) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                try usage.read(key, &s, prefix: prefix + "usageMetadata.", depth: depth + 1)
            }
            record.usage = usage
        } else {
            try s.skipValue(depth: depth + 1)
        }
    }
}

/// A Gemini usage log.
public typealias GeminiLogReader = JSONLinesLogReader<GeminiDecoder>

/// The fields of one record as they are found.
private struct GeminiRecord {
    var id: String?
    var model: String?
    var user: String?
    var createTime: Int64?
    var processedTime: Int64?
    var timestamp: Int64?
    var usage: GeminiUsage?
}

/// `usageMetadata`'s counts (absent ones are 0; `totalTokenCount` and the per-modality details are sums of
/// these and are not read).
private struct GeminiUsage {
    var prompt: UInt64 = 0
    var cached: UInt64 = 0
    var toolUsePrompt: UInt64 = 0
    var candidates: UInt64 = 0
    var thoughts: UInt64 = 0

    mutating func read(_ key: JSONKey, _ s: inout JSONScanner, prefix: String, depth: Int)
        throws(LogLineError.Reason)
    {
        if key.is("promptTokenCount") {
            prompt = try s.countValue(field: prefix + "promptTokenCount")
        } else if key.is("cachedContentTokenCount") {
            cached = try s.countValue(field: prefix + "cachedContentTokenCount")
        } else if key.is("toolUsePromptTokenCount") {
            toolUsePrompt = try s.countValue(field: prefix + "toolUsePromptTokenCount")
        } else if key.is("candidatesTokenCount") {
            candidates = try s.countValue(field: prefix + "candidatesTokenCount")
        } else if key.is("thoughtsTokenCount") {
            thoughts = try s.countValue(field: prefix + "thoughtsTokenCount")
        } else {
            try s.skipValue(depth: depth + 1)
        }
    }
}
