import Foundation

/// Who belongs to which team, org and manager: the optional directory file (CSV `employee,team,org,manager`,
/// docs/BOARD.md) the coordinator loads. Employees it does not list belong to `unassigned`, counted, never
/// dropped.
public struct Directory: Sendable, Hashable {
    /// One employee's place in the company.
    public struct Member: Sendable, Hashable {
        public var team: String
        public var org: String
        public var manager: String

        public init(team: String, org: String, manager: String) {
            self.team = team
            self.org = org
            self.manager = manager
        }
    }

    /// The team and org of employees the directory does not list.
    public static let unassigned = "unassigned"

    public private(set) var members: [String: Member]

    public init(members: [String: Member] = [:]) {
        self.members = members
    }

    /// The employee's entry; nil when the directory does not list them.
    public func member(_ employee: String) -> Member? { members[employee] }

    /// The group an employee counts under.
    public func group(of employee: String, by grouping: Grouping) -> String {
        guard let member = members[employee] else { return Self.unassigned }
        switch grouping {
        case .team: return member.team
        case .org: return member.org
        }
    }

    /// Loads a directory file.
    public init(contentsOf path: String) throws(BoardConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BoardConfigError("cannot read directory \(path): \(error.localizedDescription)")
        }
        try self.init(csv: text, source: path)
    }

    /// Parses the directory format: a header `employee,team,org,manager`, then one row per employee. Fields may
    /// be quoted (`"Smith, J."`, with `""` for a quote); blank lines are skipped; an empty team or org is
    /// `unassigned`.
    public init(csv text: String, source: String = "directory") throws(BoardConfigError) {
        var members: [String: Member] = [:]
        var sawHeader = false
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let place = "\(source):\(index + 1)"
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = try CSVFields.split(line, place: place).map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                guard fields.map({ $0.lowercased() }) == ["employee", "team", "org", "manager"] else {
                    throw BoardConfigError("\(place): the header must be employee,team,org,manager")
                }
                sawHeader = true
                continue
            }
            guard fields.count == 4 else {
                throw BoardConfigError("\(place): expected 4 fields (employee,team,org,manager), found \(fields.count)")
            }
            guard !fields[0].isEmpty else { throw BoardConfigError("\(place): empty employee key") }
            guard members[fields[0]] == nil else {
                throw BoardConfigError("\(place): employee '\(fields[0])' is listed twice")
            }
            members[fields[0]] = Member(
                team: fields[1].isEmpty ? Self.unassigned : fields[1],
                org: fields[2].isEmpty ? Self.unassigned : fields[2],
                manager: fields[3]
            )
        }
        guard sawHeader else {
            throw BoardConfigError("\(source): empty; the header must be employee,team,org,manager")
        }
        self.members = members
    }
}

/// What employees are grouped by.
public enum Grouping: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case team = 0
    case org = 1

    public var description: String { self == .team ? "team" : "org" }
}

/// RFC 4180 fields of one line.
enum CSVFields {
    static func split(_ line: Substring, place: String) throws(BoardConfigError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let c = line[index]
            if quoted {
                if c == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex && line[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.allSatisfy(\.isWhitespace) {
                current = ""
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
            index = line.index(after: index)
        }
        guard !quoted else { throw BoardConfigError("\(place): a quoted field is not closed") }
        fields.append(current)
        return fields
    }
}
