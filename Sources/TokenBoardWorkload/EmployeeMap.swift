import Foundation

/// Who the records of a log belong to, for formats whose records do not name an employee (Claude Code session
/// logs, OpenAI usage records): rules matching a log file's path or a record's user to an employee key.
///
/// The file format (docs/LOG-FORMAT.md): one rule per line, `SOURCE:PATTERN,EMPLOYEE`, where SOURCE is `path`
/// (the log file's path, both as given and made absolute) or `user` (an OpenAI record's `user` field). PATTERN
/// is a glob matched against the whole value: `*` is any run of characters (`/` included), `?` any one
/// character, everything else itself. EMPLOYEE is everything after the last comma; spaces around PATTERN and
/// EMPLOYEE are ignored. Blank lines and lines starting with `#` are comments. The first matching rule wins.
public struct EmployeeMap: Sendable, Hashable {
    /// What a rule's pattern is matched against.
    public enum Source: String, Sendable, Hashable {
        /// The log file's path.
        case path
        /// The `user` of a record.
        case user
    }

    /// One line of the map.
    public struct Rule: Sendable, Hashable {
        public var source: Source
        public var pattern: String
        public var employee: String
        /// The rule's 1-based line in its file.
        public var line: Int

        public init(source: Source, pattern: String, employee: String, line: Int) {
            self.source = source
            self.pattern = pattern
            self.employee = employee
            self.line = line
        }
    }

    /// The rules in file order.
    public var rules: [Rule]

    /// A map of the given rules.
    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Parses a map's text; `file` names it in errors.
    public init(text: String, file: String) throws(EmployeeMapError) {
        var rules: [Rule] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func refuse(_ reason: String) -> EmployeeMapError {
                EmployeeMapError(file: file, line: lineNumber, reason: reason)
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw refuse("expected SOURCE:PATTERN,EMPLOYEE with SOURCE path or user")
            }
            guard let source = Source(rawValue: String(line[..<colon]).trimmingCharacters(in: .whitespaces)) else {
                throw refuse("unknown source '\(line[..<colon])': use path or user")
            }
            let rest = line[line.index(after: colon)...]
            guard let comma = rest.lastIndex(of: ",") else { throw refuse("no ',' before the employee") }
            let pattern = rest[..<comma].trimmingCharacters(in: .whitespaces)
            let employee = rest[rest.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty else { throw refuse("empty pattern") }
            guard !employee.isEmpty else { throw refuse("empty employee") }
            guard employee.utf8.count <= CanonicalLineParser.maxEmployeeBytes else {
                throw refuse("employee is longer than \(CanonicalLineParser.maxEmployeeBytes) bytes")
            }
            rules.append(Rule(source: source, pattern: pattern, employee: employee, line: lineNumber))
        }
        self.rules = rules
    }

    /// Reads a map file.
    public init(contentsOf path: String) throws(EmployeeMapError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw EmployeeMapError(file: path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(text: text, file: path)
    }

    /// The employee of the first `path` rule matching the log file's path as given or made absolute.
    public func employee(forPath path: String) -> String? {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return rules.first { rule in
            rule.source == .path && (Glob.matches(rule.pattern, path) || Glob.matches(rule.pattern, absolute))
        }?.employee
    }

    /// The employee of the first `user` rule matching a record's user.
    public func employee(forUser user: String) -> String? {
        rules.first { $0.source == .user && Glob.matches($0.pattern, user) }?.employee
    }
}

/// A line of an employee map that could not be read.
public struct EmployeeMapError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the file could not be read at all.
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line > 0 ? "employee map \(file):\(line): \(reason)" : "employee map \(file): \(reason)"
    }
}

/// Shell-style wildcard matching over Unicode scalars: `*` any run (including `/`), `?` any one, the rest literal.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var i = 0
        var j = 0
        // The last `*` seen and where in the text it started matching, to backtrack to when a literal fails.
        var star: Int?
        var starText = 0
        while j < t.count {
            if i < p.count && (p[i] == "?" || (p[i] != "*" && p[i] == t[j])) {
                i += 1
                j += 1
            } else if i < p.count && p[i] == "*" {
                star = i
                starText = j
                i += 1
            } else if let star {
                i = star + 1
                starText += 1
                j = starText
            } else {
                return false
            }
        }
        while i < p.count && p[i] == "*" { i += 1 }
        return i == p.count
    }
}
