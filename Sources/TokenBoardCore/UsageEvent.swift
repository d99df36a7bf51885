/// One metered model request, in the canonical form every log format is normalised to.
public struct UsageEvent: Sendable, Hashable {
    /// The record's own id (a gateway request id, a message id); empty when the source has none.
    public var id: String
    /// Milliseconds since the Unix epoch, UTC.
    public var timestampMillis: Int64
    public var employee: String
    public var model: String
    /// The tool or client that made the request (claude-code, cursor, an in-house agent).
    public var tool: String
    public var session: String
    public var counts: TokenCounts

    public init(
        id: String = "",
        timestampMillis: Int64,
        employee: String,
        model: String,
        tool: String = "",
        session: String = "",
        counts: TokenCounts
    ) {
        self.id = id
        self.timestampMillis = timestampMillis
        self.employee = employee
        self.model = model
        self.tool = tool
        self.session = session
        self.counts = counts
    }

    /// The UTC day the event counts towards.
    public var day: Day { Day(timestampMillis: timestampMillis) }
}
