import NIOCore

/// What one client connection may cost the server. Every limit applies to HTTP/2 and HTTP/1.1 alike.
public struct ServerLimits: Sendable, Hashable {
    /// A request's header block, in bytes (RFC 9113 §6.5.2 accounting for HTTP/2: names, values and 32 bytes
    /// per field). Larger requests get 431.
    public var maxHeaderBytes: Int = 16 << 10
    /// A request body, in bytes. Larger requests get 413 (at once when `content-length` says so).
    public var maxBodyBytes: Int = 8 << 20
    /// HTTP/2 streams open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int = 100
    /// Body bytes one HTTP/2 connection may have sent and not yet consumed, over all its streams (its
    /// connection flow-control window).
    public var maxBufferedBodyBytes: Int = 16 << 20
    /// A client must complete a request's headers (and, first, the HTTP/2 preface) within this long once it
    /// has started them, or it is dropped.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// A connection that sends nothing for this long while no request of its is being answered is closed
    /// (HTTP/2: GOAWAY first).
    public var idleTimeout: TimeAmount = .seconds(60)

    public init() {}

    /// How often a connection checks its deadlines.
    var tick: TimeAmount {
        .nanoseconds(max(min(headerTimeout.nanoseconds, idleTimeout.nanoseconds) / 4, 1_000_000))
    }
}
