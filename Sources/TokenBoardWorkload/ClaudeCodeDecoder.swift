import TokenBoardCore

/// Decodes Claude Code session logs (docs/LOG-FORMAT.md): each assistant response with usage becomes one event
/// of tool `claude-code`, its copies merged by `ResponseDeduplicator`. The log names no user, so every event is
/// the employee the file was mapped to when it was opened.
public struct ClaudeCodeDecoder: JSONLineDecoder {
    public static var format: LogFormat { .claudeCode }
    /// The tool every event is credited to.
    public static let tool = "claude-code"
    /// How many distinct responses are held back, waiting for later copies, by default.
    public static let defaultWindow = 4096

    /// The employee every event of the file belongs to.
    public let employee: String
    private var parser = ClaudeCodeLineParser()
    private var deduplicator: ResponseDeduplicator

    /// A decoder for one file of `employee`; `counted` is shared by every Claude Code file of the run, and
    /// `window` is how many distinct responses are held back waiting for later copies.
    public init(employee: String, counted: CountedResponses, window: Int = defaultWindow) {
        self.employee = employee
        self.deduplicator = ResponseDeduplicator(counted: counted, window: window)
    }

    public mutating func decode(_ line: UnsafeRawBufferPointer, into events: inout [UsageEvent])
        throws(LogLineError.Reason) -> DecodedLine
    {
        guard let record = try parser.parse(line) else { return .skipped }
        let event = UsageEvent(
            id: record.eventID,
            timestampMillis: record.timestampMillis,
            employee: employee,
            model: record.model,
            tool: Self.tool,
            session: record.session,
            counts: record.counts
        )
        return try deduplicator.add(event, messageID: record.messageID, requestID: record.requestID, into: &events)
    }

    public mutating func drain(into events: inout [UsageEvent], max: Int) -> Int {
        deduplicator.drain(into: &events, max: max)
    }
}

/// A Claude Code session log.
public typealias ClaudeCodeLogReader = JSONLinesLogReader<ClaudeCodeDecoder>
