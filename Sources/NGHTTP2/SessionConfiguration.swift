/// The limits a session announces to its peer (SETTINGS) and enforces on what it receives.
public struct SessionConfiguration: Sendable, Hashable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may have open at once; more are refused by the library.
    public var maxConcurrentStreams: UInt32 = 100
    /// SETTINGS_INITIAL_WINDOW_SIZE: body bytes the peer may send on one stream before the application consumes
    /// them.
    public var streamWindow: Int32 = 1 << 20
    /// Body bytes the peer may send on the whole connection before the application consumes them; with
    /// `streamWindow`, what bounds the memory one connection can make the application hold.
    public var connectionWindow: Int32 = 16 << 20
    /// A header block larger than this (RFC 9113 §6.5.2 accounting) is delivered as `oversized`, without the
    /// fields beyond the limit. Also announced as SETTINGS_MAX_HEADER_LIST_SIZE.
    public var maxHeaderListBytes: Int = 16 << 10
    /// CONTINUATION frames accepted after one HEADERS frame before the peer is considered hostile.
    public var maxContinuations: Int = 8

    public init() {}

    /// A header block this large ends the connection: a peer still sending headers at four times the limit
    /// is not a client that made a mistake.
    public var fatalHeaderListBytes: Int { max(maxHeaderListBytes * 4, 64 << 10) }
}
