/// Monthly budgets per employee and per team, in nano-dollars (the `budgets` section of `cluster/badges.json`,
/// written in USD). A month is a calendar month (UTC); cost is month-to-date at the anchor day.
public struct Budgets: Sendable, Hashable {
    public var employees: [String: UInt64]
    public var teams: [String: UInt64]

    public init(employees: [String: UInt64] = [:], teams: [String: UInt64] = [:]) {
        self.employees = employees
        self.teams = teams
    }

    /// The month-to-date window ending at `anchor`: from the 1st of its month.
    public static func monthToDate(_ anchor: Day) -> Window { .days(anchor.civil.day) }

    /// Every budget with its month-to-date cost, employees first, each by name. `entries` are the month's
    /// active employees; a budgeted employee or team with no usage costs 0.
    public func lines(entries: [RankedEmployee], directory: Directory) -> [BudgetLine] {
        var employeeCost: [String: UInt64] = [:]
        var teamCost: [String: UInt64] = [:]
        for entry in entries {
            employeeCost[entry.employee] = entry.cost
            teamCost[directory.group(of: entry.employee, by: .team), default: 0] &+= entry.cost
        }
        let people = employees.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
            BudgetLine(scope: .employee, name: $0.key, budget: $0.value, cost: employeeCost[$0.key] ?? 0)
        }
        let groups = teams.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map {
            BudgetLine(scope: .team, name: $0.key, budget: $0.value, cost: teamCost[$0.key] ?? 0)
        }
        return people + groups
    }
}

/// One budget and what has been spent against it.
public struct BudgetLine: Sendable, Hashable {
    public enum Scope: UInt8, Sendable, Hashable, CustomStringConvertible {
        case employee = 0
        case team = 1

        public var description: String { self == .employee ? "employee" : "team" }
    }

    /// Where the line stands: over budget, within 10% of it, or below that.
    public enum Status: String, Sendable, Hashable, Codable {
        case over, near, within
    }

    public var scope: Scope
    public var name: String
    /// Nano-dollars per calendar month.
    public var budget: UInt64
    /// Month-to-date cost in nano-dollars.
    public var cost: UInt64

    public init(scope: Scope, name: String, budget: UInt64, cost: UInt64) {
        self.scope = scope
        self.name = name
        self.budget = budget
        self.cost = cost
    }

    /// Over when the cost exceeds the budget; near when it has reached 90% of it (cost × 10 ≥ budget × 9, in
    /// exact integers).
    public var status: Status {
        if cost > budget { return .over }
        let tenfold = cost.multipliedFullWidth(by: 10)
        let ninefold = budget.multipliedFullWidth(by: 9)
        return (tenfold.high, tenfold.low) >= (ninefold.high, ninefold.low) ? .near : .within
    }
}
