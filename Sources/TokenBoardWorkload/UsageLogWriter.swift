import TokenBoardCore

/// Writes events to a usage log in one of the formats tokenboard writes: canonical JSONL or binary.
public protocol UsageLogWriter {
    /// The file's path.
    var path: String { get }
    /// Bytes handed to the file so far, plus those still buffered.
    var bytesWritten: Int64 { get }
    /// Appends one event.
    mutating func write(_ event: UsageEvent) throws(LogFileError)
    /// Writes everything buffered and closes the file; the log is complete only once this returns.
    mutating func close() throws(LogFileError)
}

extension CanonicalLogWriter: UsageLogWriter {}

/// Creates (or truncates) a log at `path` in `format`, which must be `.canonical` or `.binary`: the formats of
/// other tools are read, never written.
public func makeLogWriter(format: LogFormat, path: String) throws(LogFileError) -> any UsageLogWriter {
    switch format {
    case .binary: return try BinaryLogWriter(path: path)
    case .canonical: return try CanonicalLogWriter(path: path)
    case .claudeCode, .openAI, .gemini:
        preconditionFailure("tokenboard writes only canonical and binary logs, not \(format)")
    }
}
