/// Why a request failed; sent in place of the reply (same request id), or before closing a connection that sent
/// a bad frame (request id 0 when the frame's own id could not be read).
public struct ErrorMessage: Sendable, Hashable, Error, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The frame itself was bad (magic, version, length, checksum, compression); the connection is closed.
        public static let malformedFrame = Code(rawValue: 1)
        /// The frame was sound but its payload did not decode as its message type.
        public static let malformedPayload = Code(rawValue: 2)
        /// The message type is not one this node serves (a newer peer, or a query sent to the wrong role).
        public static let unsupportedMessage = Code(rawValue: 3)
        /// A request's arguments are out of range (k too large, unknown window).
        public static let badRequest = Code(rawValue: 4)
        /// The batch holds employees of slots this worker does not own; `mapVersion` is the worker's map.
        public static let notOwner = Code(rawValue: 10)
        /// The batch was refused whole (validation failed); nothing of it was applied.
        public static let batchRejected = Code(rawValue: 11)
        /// The worker could not make the batch durable (disk full, unwritable data directory); nothing of it
        /// was applied, and the worker still answers queries.
        public static let storageFailed = Code(rawValue: 12)
        /// A numbered batch skipped sequence numbers; the message names the one expected. Resend from there.
        public static let sequenceGap = Code(rawValue: 13)
        /// Shards did not answer and the caller did not accept a partial answer.
        public static let shardsUnavailable = Code(rawValue: 20)
        /// The node failed for a reason of its own.
        public static let internalError = Code(rawValue: 50)

        public var description: String {
            switch self {
            case .malformedFrame: return "malformed-frame"
            case .malformedPayload: return "malformed-payload"
            case .unsupportedMessage: return "unsupported-message"
            case .badRequest: return "bad-request"
            case .notOwner: return "not-owner"
            case .batchRejected: return "batch-rejected"
            case .storageFailed: return "storage-failed"
            case .sequenceGap: return "sequence-gap"
            case .shardsUnavailable: return "shards-unavailable"
            case .internalError: return "internal-error"
            default: return "error-\(rawValue)"
            }
        }
    }

    public var code: Code
    public var message: String
    /// The shard-map version of the node that answered (what a redirected client must catch up to).
    public var mapVersion: UInt64

    public init(code: Code, message: String, mapVersion: UInt64 = 0) {
        self.code = code
        self.message = message
        self.mapVersion = mapVersion
    }

    public var description: String { "\(code): \(message)" }
}
