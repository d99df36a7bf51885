import TokenBoardCore

/// How one JSON-lines log format turns its lines into canonical events; `JSONLinesLogReader` does the reading.
public protocol JSONLineDecoder {
    /// The format decoded.
    static var format: LogFormat { get }

    /// Decodes one line (without its newline). Appends at most one event to `events` (a decoder may hold a
    /// record back and append an earlier one instead). Returns `.skipped` for a line that is not an error but
    /// adds no event of its own: a blank line, a record without usage, a duplicate copy.
    mutating func decode(_ line: UnsafeRawBufferPointer, into events: inout [UsageEvent])
        throws(LogLineError.Reason) -> DecodedLine

    /// Decodes one line as `decode(_:into:)` does, into `builder` instead, which must have room for an event (fewer
    /// than 65,536). The default decodes the event and appends it; a format can intern the line's bytes instead.
    mutating func decode(_ line: UnsafeRawBufferPointer, into builder: inout EventBatchBuilder)
        throws(LogLineError.Reason) -> DecodedLine

    /// Decodes one line as `decode(_:into:)` does, into `scanned` instead. The default decodes the event and
    /// appends it; a format can copy the line's bytes instead.
    mutating func decode(_ line: UnsafeRawBufferPointer, into scanned: inout ScannedEvents)
        throws(LogLineError.Reason) -> DecodedLine

    /// Once the file has ended: appends up to `max` of the events the decoder still holds and returns how many.
    mutating func drain(into events: inout [UsageEvent], max: Int) -> Int
}

/// What a line held.
public enum DecodedLine: Sendable, Hashable {
    /// A usage record: its event is appended now or later.
    case usage
    /// Nothing to count, and nothing wrong.
    case skipped
}

extension JSONLineDecoder {
    /// Decoders that hold nothing back have nothing to drain.
    public mutating func drain(into events: inout [UsageEvent], max: Int) -> Int { 0 }

    /// Decodes the line's event, if any, and appends it to `builder`.
    public mutating func decode(_ line: UnsafeRawBufferPointer, into builder: inout EventBatchBuilder)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try decodeEvents(line, into: &builder)
    }

    /// Decodes the line's event, if any, and appends it to `scanned`.
    public mutating func decode(_ line: UnsafeRawBufferPointer, into scanned: inout ScannedEvents)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try decodeEvents(line, into: &scanned)
    }

    /// Decodes the line's events and appends them to `sink`.
    private mutating func decodeEvents<Sink: EventBytesAppending>(
        _ line: UnsafeRawBufferPointer,
        into sink: inout Sink
    ) throws(LogLineError.Reason) -> DecodedLine {
        var events: [UsageEvent] = []
        let decoded = try decode(line, into: &events)
        for event in events {
            let appended = sink.append(event)
            precondition(appended, "a builder with room for the event")
        }
        return decoded
    }
}

extension CanonicalLineParser: JSONLineDecoder {
    public static var format: LogFormat { .canonical }

    @inline(__always)
    public mutating func decode(_ line: UnsafeRawBufferPointer, into events: inout [UsageEvent])
        throws(LogLineError.Reason) -> DecodedLine
    {
        guard let event = try parse(line) else { return .skipped }
        events.append(event)
        return .usage
    }

    /// The event's id, employee and session interned from the line's bytes (see `parse(_:into:)`).
    @inline(__always)
    public mutating func decode(_ line: UnsafeRawBufferPointer, into builder: inout EventBatchBuilder)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try parse(line, into: &builder) ? .usage : .skipped
    }

    @inline(__always)
    public mutating func decode(_ line: UnsafeRawBufferPointer, into scanned: inout ScannedEvents)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try parse(line, into: &scanned) ? .usage : .skipped
    }
}
