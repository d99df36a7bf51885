import ArgumentParser
import NIOCore
import TokenBoardHTTP

/// What one HTTP client may cost a node that serves HTTP (`--http`): the defaults suit the board page and the
/// API; a gateway posting large batches of events raises the body limit.
struct HTTPLimitOptions: ParsableArguments {
    @Option(name: .customLong("http-max-body"), help: "Largest request body in bytes; larger ones get 413.")
    var maxBodyBytes: Int = ServerLimits().maxBodyBytes

    @Option(
        name: .customLong("http-max-header"),
        help: "Largest request header block in bytes (HTTP/2 counts 32 more per field); larger ones get 431."
    )
    var maxHeaderBytes: Int = ServerLimits().maxHeaderBytes

    @Option(name: .customLong("http-max-streams"), help: "HTTP/2 streams open at once on one connection.")
    var maxConcurrentStreams: Int = ServerLimits().maxConcurrentStreams

    @Option(
        name: .customLong("http-header-timeout"),
        help: "Seconds a client has to send a request's headers once it has started them."
    )
    var headerTimeout: Double = Double(ServerLimits().headerTimeout.nanoseconds) / 1e9

    @Option(
        name: .customLong("http-idle-timeout"),
        help: "Seconds a connection may stay silent, with no request of its being answered, before it is closed."
    )
    var idleTimeout: Double = Double(ServerLimits().idleTimeout.nanoseconds) / 1e9

    /// HTTP/2 flow-control windows are 31-bit, so a body must stay below 2 GiB; 1 GiB is plenty for a batch.
    static let bodyRange = 1024...(1 << 30)
    static let headerRange = 1024...(1 << 20)
    static let streamRange = 1...10_000
    static let timeoutRange = 0.1...86_400.0

    func validate() throws {
        guard Self.bodyRange.contains(maxBodyBytes) else {
            throw ValidationError("--http-max-body must be between 1024 and \(Self.bodyRange.upperBound) bytes")
        }
        guard Self.headerRange.contains(maxHeaderBytes) else {
            throw ValidationError("--http-max-header must be between 1024 and \(Self.headerRange.upperBound) bytes")
        }
        guard Self.streamRange.contains(maxConcurrentStreams) else {
            throw ValidationError("--http-max-streams must be between 1 and \(Self.streamRange.upperBound)")
        }
        for (flag, seconds) in [("--http-header-timeout", headerTimeout), ("--http-idle-timeout", idleTimeout)]
        where !Self.timeoutRange.contains(seconds) {
            throw ValidationError("\(flag) must be between 0.1 and 86400 seconds")
        }
    }

    /// The limits these options describe.
    var limits: ServerLimits {
        var limits = ServerLimits()
        limits.maxBodyBytes = maxBodyBytes
        limits.maxHeaderBytes = maxHeaderBytes
        limits.maxConcurrentStreams = maxConcurrentStreams
        limits.headerTimeout = .nanoseconds(Int64((headerTimeout * 1e9).rounded()))
        limits.idleTimeout = .nanoseconds(Int64((idleTimeout * 1e9).rounded()))
        return limits
    }
}
