import ArgumentParser
import TokenBoardWorkload

/// How the commands that read usage logs (replay, import, convert, manifest) read them.
struct LogInputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log format: auto, canonical, claude-code, openai, gemini or binary.",
            discussion: "auto tells each file's format from its content (docs/LOG-FORMAT.md)."
        )
    )
    var format: String = "auto"

    @Flag(name: .long, help: "Stop at the first bad line instead of counting, reporting and skipping it.")
    var strict = false

    @Option(
        name: .long,
        help:
            "The employee whose usage the Claude Code, OpenAI or Gemini logs are (all their events, whatever the map says)."
    )
    var employee: String?

    @Option(
        name: .customLong("employee-map"),
        help: ArgumentHelp(
            "Rules naming the employee of Claude Code, OpenAI and Gemini logs.",
            discussion: """
                Lines of path:PATTERN,EMPLOYEE (matched against a log's path) and user:PATTERN,EMPLOYEE (against an \
                OpenAI or Gemini record's user); see docs/LOG-FORMAT.md.
                """,
            valueName: "file"
        )
    )
    var employeeMap: String?

    func validate() throws {
        guard format == "auto" || LogFormat(rawValue: format) != nil else {
            throw ValidationError(
                "--format must be auto, canonical, claude-code, openai, gemini or binary; got '\(format)'"
            )
        }
        if let employee, employee.isEmpty || employee.utf8.count > 256 {
            throw ValidationError("--employee must be 1 to 256 bytes")
        }
    }

    /// The chosen format; nil for auto.
    var chosenFormat: LogFormat? { LogFormat(rawValue: format) }

    /// What the library needs to open logs this way.
    func openerOptions() throws -> LogOpener.Options {
        var map: EmployeeMap?
        if let employeeMap {
            do {
                map = try EmployeeMap(contentsOf: employeeMap)
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        return LogOpener.Options(format: chosenFormat, strict: strict, employee: employee, employeeMap: map)
    }

    /// An opener for one run.
    func opener() throws -> LogOpener {
        LogOpener(options: try openerOptions())
    }

    /// Checks every log before anything is read, naming the file that cannot be read as asked.
    func chain(_ paths: [String], opener: LogOpener) throws -> LogChain {
        do {
            return try LogChain(paths: paths, opener: opener)
        } catch let error as LogOpenError {
            throw CommandFailure("\(error)")
        } catch let error as LogFileError {
            throw CommandFailure("\(error)")
        }
    }
}
