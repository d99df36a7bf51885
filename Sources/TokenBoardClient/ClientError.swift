import TokenBoardCore

/// Failures of a request that are the client's to report (the node's own refusals arrive as `ErrorMessage`).
public enum ClientError: Error, Hashable, CustomStringConvertible {
    /// No reply within the deadline.
    case timedOut(Endpoint, milliseconds: Int64)
    /// The TCP connection could not be made.
    case connectFailed(Endpoint, reason: String)
    /// The connection closed with the request in flight.
    case connectionClosed(Endpoint)
    /// The coordinator knows no address for a worker the shard map names.
    case workerUnknown(String)

    public var description: String {
        switch self {
        case .timedOut(let endpoint, let ms): return "no reply from \(endpoint) within \(ms) ms"
        case .connectFailed(let endpoint, let reason): return "cannot connect to \(endpoint): \(reason)"
        case .connectionClosed(let endpoint): return "connection to \(endpoint) closed with a request in flight"
        case .workerUnknown(let id): return "worker \(id) has not registered with the coordinator"
        }
    }
}
