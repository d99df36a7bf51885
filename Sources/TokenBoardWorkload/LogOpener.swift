#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A log checked and ready to open: its format is known and, where the format needs one, so is its employee.
public struct LogSource: Sendable, Hashable {
    /// The path, as given.
    public var path: String
    /// The format chosen or detected.
    public var format: LogFormat
    /// The size when it was checked.
    public var size: Int64
    /// Claude Code: the employee of every event. OpenAI: the employee of records without a user (a `path`
    /// rule's). nil otherwise.
    public var employee: String?
}

/// Opens usage logs in any format (`LogFormat`) as `UsageLogReader`s: the one way every command reads logs.
///
/// One opener serves one run: the Claude Code logs it opens share `CountedResponses`, so a response copied into a
/// later file (a resumed session) is counted once.
public final class LogOpener {
    /// How logs are to be read: the format (or detection), strictness, and whose usage the logs of formats without
    /// employees hold.
    public struct Options: Sendable, Hashable {
        /// The format of every log; nil tells each file's format from its content.
        public var format: LogFormat?
        /// Whether the first bad record throws (true) or is counted and skipped (false).
        public var strict: Bool
        /// The employee every event of a Claude Code or OpenAI log belongs to, whatever the map or the records say.
        public var employee: String?
        /// Rules giving the employee of a Claude Code or OpenAI log by its path, or of an OpenAI record by its user.
        public var employeeMap: EmployeeMap?

        public init(
            format: LogFormat? = nil,
            strict: Bool = false,
            employee: String? = nil,
            employeeMap: EmployeeMap? = nil
        ) {
            self.format = format
            self.strict = strict
            self.employee = employee
            self.employeeMap = employeeMap
        }
    }

    public let options: Options
    /// The Claude Code responses counted so far in this run.
    public let counted = CountedResponses()

    /// An opener for `options`.
    public init(options: Options) {
        self.options = options
    }

    /// Finds a log's format (the chosen one, or detected), its size and, for formats without employees, whose it
    /// is; refuses what could not be read correctly, naming the file.
    public func source(for path: String) throws -> LogSource {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw LogOpenError(path: path, reason: "it is a directory; name the log files in it")
        }
        let format = try options.format ?? LogFormat.detect(path: path)
        var source = LogSource(path: path, format: format, size: Int64(info.st_size), employee: nil)
        if let employee = options.employee {
            guard !format.namesEmployees else {
                throw LogOpenError(
                    path: path,
                    reason:
                        "--employee applies to claude-code and openai logs; this is a \(format) log, whose records "
                        + "name their employees"
                )
            }
            guard !employee.isEmpty, employee.utf8.count <= CanonicalLineParser.maxEmployeeBytes else {
                throw LogOpenError(path: path, reason: "--employee must be 1 to 256 bytes of UTF-8")
            }
        }
        switch format {
        case .canonical, .binary:
            break
        case .claudeCode:
            guard let employee = options.employee ?? options.employeeMap?.employee(forPath: path) else {
                throw LogOpenError(
                    path: path,
                    reason:
                        "a Claude Code log names no employee: pass --employee NAME, or an --employee-map with a "
                        + "path:PATTERN,EMPLOYEE line matching this file"
                )
            }
            source.employee = employee
        case .openAI, .gemini:
            source.employee = options.employeeMap?.employee(forPath: path)
        }
        return source
    }

    /// Opens a checked log.
    public func open(_ source: LogSource) throws -> any UsageLogReader {
        let strict = options.strict
        switch source.format {
        case .canonical:
            return try CanonicalLogReader(path: source.path, strict: strict)
        case .binary:
            return try BinaryLogReader(path: source.path, strict: strict)
        case .claudeCode:
            guard let employee = source.employee else {
                throw LogOpenError(path: source.path, reason: "a Claude Code log names no employee")
            }
            return try ClaudeCodeLogReader(
                path: source.path,
                strict: strict,
                decoder: ClaudeCodeDecoder(employee: employee, counted: counted)
            )
        case .openAI:
            let employees = RecordEmployees(
                fixed: options.employee,
                map: options.employeeMap,
                fileDefault: source.employee
            )
            return try OpenAILogReader(path: source.path, strict: strict, decoder: OpenAIDecoder(employees: employees))
        case .gemini:
            let employees = RecordEmployees(
                fixed: options.employee,
                map: options.employeeMap,
                fileDefault: source.employee
            )
            return try GeminiLogReader(path: source.path, strict: strict, decoder: GeminiDecoder(employees: employees))
        }
    }

    /// Checks and opens a log.
    public func open(_ path: String) throws -> any UsageLogReader {
        try open(source(for: path))
    }
}
