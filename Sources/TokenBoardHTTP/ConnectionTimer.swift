import NIOCore

/// The deadlines of one connection: headers that take too long, and a connection idle for too long.
struct ConnectionTimer {
    /// What a check found.
    enum Verdict: Equatable {
        case keep
        /// A request's headers (or the HTTP/2 preface) started and did not finish in time.
        case headerTimeout
        /// Nothing arrived for the idle timeout and no request is being answered.
        case idleTimeout
    }

    let limits: ServerLimits
    private var lastInbound: NIODeadline
    private var headerStarted: NIODeadline?

    init(limits: ServerLimits, now: NIODeadline) {
        self.limits = limits
        lastInbound = now
    }

    /// Bytes arrived.
    mutating func received(at now: NIODeadline) { lastInbound = now }

    /// Whether a request's headers are incomplete; the header deadline runs from the first time they are.
    mutating func headersPending(_ pending: Bool, at now: NIODeadline) {
        if !pending {
            headerStarted = nil
        } else if headerStarted == nil {
            headerStarted = now
        }
    }

    /// `busy`: some request of this connection is with the application.
    func check(at now: NIODeadline, busy: Bool) -> Verdict {
        if let headerStarted, now - headerStarted >= limits.headerTimeout { return .headerTimeout }
        if !busy && now - lastInbound >= limits.idleTimeout { return .idleTimeout }
        return .keep
    }
}
