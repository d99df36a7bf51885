/// What the peer did, as found by one `Session.receive(_:)` call, in the order the frames arrived.
public enum Event: Sendable, Hashable {
    /// A complete header block opening a stream (a request on a server, a response on a client).
    /// `oversized` means the block exceeded the session's header limit: `fields` holds the ones that fitted,
    /// and the stream should be answered with 431 (or reset).
    case headers(streamID: Int32, fields: [HeaderField], endStream: Bool, oversized: Bool)
    /// A chunk of a stream's body. Its bytes count against the flow-control windows until the application
    /// calls `Session.consume(streamID:count:)`.
    case data(streamID: Int32, bytes: [UInt8])
    /// The peer finished sending on the stream (END_STREAM after the body or after trailers).
    case endStream(streamID: Int32)
    /// The stream is closed in both directions; `error` is `.noError` for a normal end.
    case streamClosed(streamID: Int32, error: ErrorCode)
    /// The peer sent GOAWAY.
    case goAway(lastStreamID: Int32, error: ErrorCode)
}
