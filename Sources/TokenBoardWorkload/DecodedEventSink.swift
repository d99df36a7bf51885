import TokenBoardCore

/// Where `JSONLinesLogReader` puts what its decoder makes of each line: canonical events (`next`), a batch being
/// built (`nextBatch`) or events scanned for another thread to build one from (`nextScanned`); a decoder can fill
/// the last two from the line's bytes without making an event first.
protocol DecodedEventSink {
    /// Events put here so far.
    var eventCount: Int { get }

    /// Whether the sink should take no more lines now, whatever their count.
    var isFull: Bool { get }

    /// Decodes one line with `decoder` into this sink.
    mutating func decode<Decoder: JSONLineDecoder>(_ line: UnsafeRawBufferPointer, with decoder: inout Decoder)
        throws(LogLineError.Reason) -> DecodedLine

    /// Takes up to `max` of the events `decoder` still holds once the file has ended; returns how many.
    mutating func drain<Decoder: JSONLineDecoder>(_ decoder: inout Decoder, max: Int) -> Int
}

extension DecodedEventSink {
    var isFull: Bool { false }
}

extension DecodedEventSink where Self: EventBytesAppending {
    /// Appends the events the decoder held back, one by one.
    mutating func drain<Decoder: JSONLineDecoder>(_ decoder: inout Decoder, max: Int) -> Int {
        var events: [UsageEvent] = []
        let drained = decoder.drain(into: &events, max: max)
        for event in events { append(event) }
        return drained
    }
}

extension Array: DecodedEventSink where Element == UsageEvent {
    var eventCount: Int { count }

    @inline(__always)
    mutating func decode<Decoder: JSONLineDecoder>(_ line: UnsafeRawBufferPointer, with decoder: inout Decoder)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try decoder.decode(line, into: &self)
    }

    mutating func drain<Decoder: JSONLineDecoder>(_ decoder: inout Decoder, max: Int) -> Int {
        decoder.drain(into: &self, max: max)
    }
}

extension EventBatchBuilder: DecodedEventSink {
    var eventCount: Int { count }

    @inline(__always)
    mutating func decode<Decoder: JSONLineDecoder>(_ line: UnsafeRawBufferPointer, with decoder: inout Decoder)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try decoder.decode(line, into: &self)
    }
}

extension ScannedEvents: DecodedEventSink {
    var eventCount: Int { count }

    @inline(__always)
    mutating func decode<Decoder: JSONLineDecoder>(_ line: UnsafeRawBufferPointer, with decoder: inout Decoder)
        throws(LogLineError.Reason) -> DecodedLine
    {
        try decoder.decode(line, into: &self)
    }
}
