import TokenBoardCore

/// Decodes OpenAI-style usage records, one JSON object per line (docs/LOG-FORMAT.md): a chat completion's
/// `usage` (`prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`) or a Responses API
/// `usage` (`input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`), under `usage` or at the top
/// level, or in the `response.body` of a Batch API output line. OpenAI counts cached tokens inside the prompt, so
/// input is prompt minus cached and cache reads are the cached tokens: billed once each.
public struct OpenAIDecoder: JSONLineDecoder {
    public static var format: LogFormat { .openAI }
    /// The tool every event is credited to: the records say which API was called, not which client called it.
    public static let tool = "openai-api"

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

        var record = OpenAIRecord()
        var response = OpenAIRecord()
        try s.forEachMember(depth: 1) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("response") {
                try readBatchResponse(&s, into: &response)
            } else {
                try read(key, &s, into: &record, prefix: "", depth: 1)
            }
        }
        try s.expectEndOfLine()
        // A Batch API output line: the completion is the response's body, under the line's own id.
        if response.usage.isPresent || response.model != nil { record.adopt(response) }

        guard let counts = try record.usage.counts() else { return .skipped }
        events.append(
            try employees.event(
                id: record.id,
                timestamp: record.created ?? record.createdAt ?? record.timestamp,
                timeField: "created",
                model: record.model,
                modelField: "model",
                user: record.user,
                tool: Self.tool,
                counts: counts
            )
        )
        return .usage
    }

    /// Reads one member of a record (top level, or a Batch API response's body) named `prefix + key`.
    private mutating func read(
        _ key: JSONKey,
        _ s: inout JSONScanner,
        into record: inout OpenAIRecord,
        prefix: String,
        depth: Int
    ) throws(LogLineError.Reason) {
        if key.is("id") {
            record.id = try s.optionalString(field: prefix + "id")
        } else if key.is("model") {
            if let raw = try s.stringValue(field: prefix + "model") {
                record.model = try s.string(raw, field: prefix + "model", cache: &models)
            } else {
                record.model = nil
            }
        } else if key.is("user") {
            record.user = try s.optionalString(field: prefix + "user")
        } else if key.is("created") {
            record.created = try s.unixSecondsValue(field: prefix + "created")
        } else if key.is("created_at") {
            record.createdAt = try s.unixSecondsValue(field: prefix + "created_at")
        } else if key.is("timestamp") {
            record.timestamp = try s.timestampValue(&dates, field: prefix + "timestamp")
        } else if key.is("usage") {
            if try !s.takeNull() {
                guard s.peek == UInt8(ascii: "{") else {
                    throw s.wrongType(field: prefix + "usage", expected: "an object")
                }
                try s.forEachMember(depth: depth + 1) {
                    (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                    try record.usage.read(key, &s, prefix: prefix + "usage.", depth: depth + 1)
                }
            }
        } else {
            try record.usage.read(key, &s, prefix: prefix, depth: depth)
        }
    }

    /// The `response` of a Batch API output line (`{"id":"batch_req_…","custom_id":…,"response":{"status_code":
    /// 200,"body":{…a chat completion or response…}},"error":null}`): its body's members; a null response or body
    /// (a failed request) leaves nothing.
    private mutating func readBatchResponse(_ s: inout JSONScanner, into response: inout OpenAIRecord)
        throws(LogLineError.Reason)
    {
        if try s.takeNull() { return }
        guard s.peek == UInt8(ascii: "{") else { throw s.wrongType(field: "response", expected: "an object") }
        try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            guard key.is("body") else { return try s.skipValue(depth: 3) }
            if try s.takeNull() { return }
            guard s.peek == UInt8(ascii: "{") else {
                throw s.wrongType(field: "response.body", expected: "an object")
            }
            try s.forEachMember(depth: 3) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                try read(key, &s, into: &response, prefix: "response.body.", depth: 3)
            }
        }
    }
}

/// An OpenAI-style usage log.
public typealias OpenAILogReader = JSONLinesLogReader<OpenAIDecoder>

/// The fields of one record as they are found.
private struct OpenAIRecord {
    var id: String?
    var model: String?
    var user: String?
    var created: Int64?
    var createdAt: Int64?
    var timestamp: Int64?
    var usage = OpenAIUsage()

    /// Takes a Batch API response body's fields over the line's: the body is the API call. The line's `id`
    /// stays when the body has none.
    mutating func adopt(_ body: OpenAIRecord) {
        id = body.id ?? id
        model = body.model ?? model
        user = body.user ?? user
        created = body.created ?? created
        createdAt = body.createdAt ?? createdAt
        timestamp = body.timestamp ?? timestamp
        usage = body.usage
    }
}

/// Token counts in either of OpenAI's two spellings.
private struct OpenAIUsage {
    var prompt: UInt64?
    var completion: UInt64?
    var cachedPrompt: UInt64?
    var input: UInt64?
    var output: UInt64?
    var cachedInput: UInt64?

    /// Whether any count was read.
    var isPresent: Bool { prompt != nil || completion != nil || input != nil || output != nil }

    /// Reads the value of `key` if it is a count (or details object) of either spelling; skips it otherwise.
    mutating func read(_ key: JSONKey, _ s: inout JSONScanner, prefix: String, depth: Int)
        throws(LogLineError.Reason)
    {
        if key.is("prompt_tokens") {
            prompt = try s.countValue(field: prefix + "prompt_tokens")
        } else if key.is("completion_tokens") {
            completion = try s.countValue(field: prefix + "completion_tokens")
        } else if key.is("input_tokens") {
            input = try s.countValue(field: prefix + "input_tokens")
        } else if key.is("output_tokens") {
            output = try s.countValue(field: prefix + "output_tokens")
        } else if key.is("prompt_tokens_details") {
            cachedPrompt = try Self.cachedTokens(&s, field: prefix + "prompt_tokens_details", depth: depth + 1)
        } else if key.is("input_tokens_details") {
            cachedInput = try Self.cachedTokens(&s, field: prefix + "input_tokens_details", depth: depth + 1)
        } else {
            try s.skipValue(depth: depth + 1)
        }
    }

    /// `cached_tokens` of a details object (other details, audio or reasoning tokens, are already inside the
    /// prompt or completion count).
    private static func cachedTokens(_ s: inout JSONScanner, field: String, depth: Int) throws(LogLineError.Reason)
        -> UInt64?
    {
        if try s.takeNull() { return nil }
        guard s.peek == UInt8(ascii: "{") else { throw s.wrongType(field: field, expected: "an object") }
        var cached: UInt64?
        try s.forEachMember(depth: depth) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("cached_tokens") {
                cached = try s.countValue(field: field + ".cached_tokens")
            } else {
                try s.skipValue(depth: depth + 1)
            }
        }
        return cached
    }

    /// The canonical counts, or nil when the record carries no usage at all.
    func counts() throws(LogLineError.Reason) -> TokenCounts? {
        if prompt != nil || completion != nil {
            return try Self.split(prompt ?? 0, cached: cachedPrompt ?? 0, output: completion ?? 0, names: .chat)
        }
        if input != nil || output != nil {
            return try Self.split(input ?? 0, cached: cachedInput ?? 0, output: output ?? 0, names: .responses)
        }
        return nil
    }

    private enum Names {
        case chat, responses

        var prompt: String { self == .chat ? "prompt_tokens" : "input_tokens" }
        var cached: String {
            self == .chat ? "prompt_tokens_details.cached_tokens" : "input_tokens_details.cached_tokens"
        }
    }

    private static func split(_ prompt: UInt64, cached: UInt64, output: UInt64, names: Names)
        throws(LogLineError.Reason) -> TokenCounts
    {
        guard cached <= prompt else {
            throw .inconsistentCounts(
                "\(names.cached) (\(cached)) exceeds \(names.prompt) (\(prompt)), which includes the cached tokens"
            )
        }
        return TokenCounts(input: prompt - cached, output: output, cacheWrite: 0, cacheRead: cached)
    }
}
