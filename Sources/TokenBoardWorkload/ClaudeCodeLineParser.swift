import TokenBoardCore

/// The usage of one line of a Claude Code session log.
struct ClaudeCodeRecord: Sendable, Hashable {
    /// `message.id`, the API's id of the response.
    var messageID: String?
    /// `requestId`, the API request that produced it.
    var requestID: String?
    /// `sessionId`.
    var session: String
    /// `message.model`.
    var model: String
    /// `timestamp`, when the line was written.
    var timestampMillis: Int64
    /// `message.usage`.
    var counts: TokenCounts

    /// The record's event id: message id and request id joined by a colon, whichever are present.
    var eventID: String {
        switch (messageID, requestID) {
        case (let message?, let request?): return message + ":" + request
        case (let message?, nil): return message
        case (nil, let request?): return request
        case (nil, nil): return ""
        }
    }
}

/// Parses one line of a Claude Code session log (`~/.claude/projects/PROJECT/SESSION.jsonl`).
///
/// Such a log holds every kind of line Claude Code writes (user turns, tool results, summaries, assistant
/// responses); only assistant lines carry `message.usage`, and only those become events. A line must still be
/// one valid JSON object: the whole line is checked, as in the canonical parser, so a truncated line is refused
/// rather than half-read.
struct ClaudeCodeLineParser: Sendable {
    private var models = StringCache()
    private var dates = DateCache()

    /// Returns nil for a blank line, a line without `message.usage` and one whose usage is all zeros (Claude Code
    /// writes such `<synthetic>` messages for turns that never reached the API).
    mutating func parse(_ line: UnsafeRawBufferPointer) throws(LogLineError.Reason) -> ClaudeCodeRecord? {
        guard let base = line.baseAddress, !line.isEmpty else { return nil }
        var s = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        if s.isBlankLine() { return nil }
        guard s.peek == UInt8(ascii: "{") else { try s.refuseNonObject() }

        var timestamp: Int64?
        var session: String?
        var requestID: String?
        var message = Message()
        try s.forEachMember(depth: 1) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("timestamp") {
                timestamp = try s.timestampValue(&dates, field: "timestamp")
            } else if key.is("sessionId") {
                session = try s.optionalString(field: "sessionId")
            } else if key.is("requestId") {
                requestID = try s.optionalString(field: "requestId")
            } else if key.is("message") && s.peek == UInt8(ascii: "{") {
                // Other line kinds may hold something else under `message`; only an object can carry usage.
                message = try Self.message(&s, models: &models)
            } else {
                try s.skipValue(depth: 2)
            }
        }
        try s.expectEndOfLine()

        guard let counts = message.counts else { return nil }
        guard counts.total > 0 else { return nil }
        guard let timestamp else { throw .missingField("timestamp") }
        guard let model = message.model else { throw .missingField("message.model") }
        guard !model.isEmpty else { throw .emptyField("message.model") }
        return ClaudeCodeRecord(
            messageID: message.id.flatMap { $0.isEmpty ? nil : $0 },
            requestID: requestID.flatMap { $0.isEmpty ? nil : $0 },
            session: session ?? "",
            model: model,
            timestampMillis: timestamp,
            counts: counts
        )
    }

    /// What a line's `message` object holds.
    private struct Message {
        var id: String?
        var model: String?
        /// nil when there is no `usage` (or it is `null`).
        var counts: TokenCounts?
    }

    private static func message(_ s: inout JSONScanner, models: inout StringCache) throws(LogLineError.Reason)
        -> Message
    {
        var message = Message()
        try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("id") {
                message.id = try s.optionalString(field: "message.id")
            } else if key.is("model") {
                if let raw = try s.stringValue(field: "message.model") {
                    message.model = try s.string(raw, field: "message.model", cache: &models)
                } else {
                    message.model = nil
                }
            } else if key.is("usage") {
                message.counts = try usage(&s)
            } else {
                try s.skipValue(depth: 3)
            }
        }
        return message
    }

    private static func usage(_ s: inout JSONScanner) throws(LogLineError.Reason) -> TokenCounts? {
        if try s.takeNull() { return nil }
        guard s.peek == UInt8(ascii: "{") else { throw s.wrongType(field: "message.usage", expected: "an object") }
        var counts = TokenCounts()
        // Other members (`cache_creation` by cache lifetime, `server_tool_use`, `service_tier`) break down or
        // qualify these four and are not counted again.
        try s.forEachMember(depth: 3) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
            if key.is("input_tokens") {
                counts.input = try s.countValue(field: "message.usage.input_tokens")
            } else if key.is("output_tokens") {
                counts.output = try s.countValue(field: "message.usage.output_tokens")
            } else if key.is("cache_creation_input_tokens") {
                counts.cacheWrite = try s.countValue(field: "message.usage.cache_creation_input_tokens")
            } else if key.is("cache_read_input_tokens") {
                counts.cacheRead = try s.countValue(field: "message.usage.cache_read_input_tokens")
            } else {
                try s.skipValue(depth: 4)
            }
        }
        return counts
    }
}
