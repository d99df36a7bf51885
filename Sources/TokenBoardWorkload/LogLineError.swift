import TokenBoardCore

/// A record of a usage log that could not be read, and why: a line of a text log, or a damaged block of a binary
/// one.
public struct LogLineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The log file's path.
    public var file: String
    /// The 1-based line number; blank lines count. 0 for an error located by `byteOffset` instead.
    public var line: Int
    /// Where a damaged block of a binary log starts, in bytes from the start of the file; nil for text logs.
    public var byteOffset: Int64?
    /// Why the line was refused, for people.
    public var reason: String
    /// Why the line was refused, for code.
    public var kind: Reason

    /// An error for line `line` of `file`; `reason` is `kind` in words.
    public init(file: String, line: Int, kind: Reason) {
        self.file = file
        self.line = line
        self.byteOffset = nil
        self.kind = kind
        self.reason = kind.description
    }

    /// An error for the binary block of `file` that starts `byteOffset` bytes into it.
    public init(file: String, byteOffset: Int64, kind: Reason) {
        self.file = file
        self.line = 0
        self.byteOffset = byteOffset
        self.kind = kind
        self.reason = kind.description
    }

    public var description: String {
        if let byteOffset { return "\(file): byte \(byteOffset): \(reason)" }
        return "\(file):\(line): \(reason)"
    }

    /// Why a single line is not a valid canonical event. Thrown by `CanonicalLineParser` before the reader knows
    /// the file and line it came from.
    public enum Reason: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not well-formed JSON; `offset` is the 0-based byte offset in the line where parsing stopped.
        case malformedJSON(offset: Int, expected: String)
        /// Well-formed JSON, but not an object.
        case notAnObject
        /// Objects or arrays nested deeper than `CanonicalLineParser.maxDepth`.
        case nestedTooDeeply
        /// A string that is not valid UTF-8 (raw bytes, or an unpaired `\u` surrogate).
        case invalidUTF8(field: String)
        /// A required field (`ts`, `employee`, `model`) is absent or null.
        case missingField(String)
        /// A required string field is empty.
        case emptyField(String)
        /// A string field longer than its limit in UTF-8 bytes.
        case fieldTooLong(field: String, limit: Int)
        /// A known field holding the wrong kind of JSON value.
        case wrongType(field: String, expected: String)
        /// A token count written with a fraction or an exponent.
        case countNotInteger(field: String)
        /// A negative token count.
        case countNegative(field: String)
        /// A token count above `TokenCounts.maxPerEvent`.
        case countTooLarge(field: String)
        /// `ts` is neither RFC 3339 nor an integer of epoch milliseconds.
        case invalidTimestamp(String)
        /// The line is longer than the reader's limit (in bytes, excluding the newline).
        case lineTooLong(limit: Int)
        /// Counts that contradict each other, such as more cached tokens than prompt tokens.
        case inconsistentCounts(String)
        /// A record of a format without employees (OpenAI) that names no user, in a file for which neither
        /// `--employee` nor the employee map gives one.
        case noEmployee
        /// A copy of a Claude Code response (`id` is message id and request id) with more tokens than the copy
        /// already counted, found too late to replace it: beyond the de-duplication window, or in a later file.
        case laterCopyLarger(id: String, counted: UInt64, found: UInt64)
        /// A block of a binary log that fails its checks; the block's events are lost, the rest of the file is read.
        case corruptBlock(String)
        /// A binary log that ends inside a block (a writer that stopped mid-block).
        case tornBlock(String)

        public var description: String {
            switch self {
            case .malformedJSON(let offset, let expected):
                return "malformed JSON at byte \(offset): expected \(expected)"
            case .notAnObject: return "not a JSON object"
            case .nestedTooDeeply: return "JSON nested more than \(CanonicalLineParser.maxDepth) levels deep"
            case .invalidUTF8(let field): return "\(field) is not valid UTF-8"
            case .missingField(let field): return "missing required field \(field)"
            case .emptyField(let field): return "\(field) is empty"
            case .fieldTooLong(let field, let limit): return "\(field) is longer than \(limit) bytes"
            case .wrongType(let field, let expected): return "\(field) must be \(expected)"
            case .countNotInteger(let field): return "\(field) must be an integer token count"
            case .countNegative(let field): return "\(field) is negative"
            case .countTooLarge(let field): return "\(field) exceeds \(TokenCounts.maxPerEvent) tokens"
            case .invalidTimestamp(let text): return "invalid timestamp \(text)"
            case .lineTooLong(let limit): return "line longer than \(limit) bytes"
            case .inconsistentCounts(let detail): return detail
            case .noEmployee:
                return "no employee: the record has no user, and neither --employee nor a path: line of the "
                    + "employee map names one for this file"
            case .laterCopyLarger(let id, let counted, let found):
                return "response \(id) was already counted with \(counted) tokens; this later copy has \(found) "
                    + "(too far from the first copy to replace it; the difference is not counted)"
            case .corruptBlock(let detail): return "corrupt block: \(detail)"
            case .tornBlock(let detail): return "torn block: \(detail)"
            }
        }
    }
}
