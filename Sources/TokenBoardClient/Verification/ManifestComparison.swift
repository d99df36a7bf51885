import TokenBoardCore
import TokenBoardWorkload

/// The checks a manifest supports and the comparison of a cluster's answers with it: the board (every place's
/// employee, tokens and cost), every board employee's totals and rank, the same for a deterministic sample of
/// the other employees, spend by model, and the company totals. Pure: the answers come from
/// `ManifestVerifier` or, in tests, from anywhere.
public struct ManifestComparison: Sendable {
    public let manifest: Manifest
    /// The employees to ask about: the board in order, then the sample in key order.
    public let employees: [String]
    /// Of `employees`, how many are the sample.
    public let sampleCount: Int
    /// Each checked employee's expected rank by tokens over the whole log.
    private let ranks: [String: UInt64]

    /// Checks for `manifest` with a sample of `sample` employees from outside the board, spread evenly over the
    /// manifest's employees in key order (the same ones every time).
    public init(manifest: Manifest, sample: Int) {
        self.manifest = manifest
        let board = manifest.top.map(\.employee)
        let onBoard = Set(board)
        let others = manifest.employees.lazy.map(\.employee).filter { !onBoard.contains($0) }
        let pool = Array(others)
        let count = min(max(0, sample), pool.count)
        let sampled = (0..<count).map { pool[$0 * pool.count / count] }
        employees = board + sampled
        sampleCount = sampled.count
        let checked = Set(employees)
        let ordered = manifest.employees.map(\.ranked).sorted { RankedEmployee.ranksAhead($0, $1, by: .tokens) }
        var ranks: [String: UInt64] = [:]
        for (index, row) in ordered.enumerated() where checked.contains(row.employee) {
            ranks[row.employee] = UInt64(index + 1)
        }
        self.ranks = ranks
    }

    /// Every difference between the answers and the manifest, in a stable order: board, employees (in the order
    /// of `employees`), models (by name), company.
    public func differences(_ answers: ClusterAnswers) -> [ManifestDifference] {
        var found: [ManifestDifference] = []
        compareBoard(answers.board, into: &found)
        for key in employees { compareEmployee(key, answers.employees[key] ?? nil, into: &found) }
        compareModels(answers.models, into: &found)
        compareCompany(answers.totals, into: &found)
        return found
    }

    private func compareBoard(_ board: [RankedEmployee], into found: inout [ManifestDifference]) {
        if board.count != manifest.top.count {
            found.append(
                ManifestDifference(
                    subject: "board",
                    field: "entries",
                    expected: String(manifest.top.count),
                    actual: String(board.count)
                )
            )
        }
        for (expected, actual) in zip(manifest.top, board) {
            var figures = Figures(subject: "board rank \(expected.rank)")
            figures.check("employee", expected.employee, actual.employee)
            figures.check("tokens", expected.tokens, actual.tokens)
            figures.check("cost_nanos", expected.cost, actual.cost)
            found += figures.differences
        }
    }

    private func compareEmployee(
        _ key: String,
        _ answer: ClusterAnswers.EmployeeAnswer?,
        into found: inout [ManifestDifference]
    ) {
        let subject = "employee \(key)"
        guard let expected = manifest.employee(key) else {
            found.append(ManifestDifference(subject: subject, field: "present", expected: "no", actual: "yes"))
            return
        }
        guard let answer else {
            found.append(ManifestDifference(subject: subject, field: "present", expected: "yes", actual: "no"))
            return
        }
        var figures = Figures(subject: subject)
        figures.check(counts: expected.counts, tokens: expected.tokens, answer.summary.counts)
        figures.check("cost_nanos", expected.cost, answer.summary.cost)
        figures.check("unpriced_tokens", expected.unpricedTokens, answer.summary.unpricedTokens)
        if let rank = ranks[key] { figures.check("rank", rank, answer.rank) }
        found += figures.differences
    }

    private func compareModels(_ models: [LabeledUsage], into found: inout [ManifestDifference]) {
        var actual: [String: LabeledUsage] = [:]
        for row in models { actual[row.label] = row }
        var expected: [String: Manifest.ModelRow] = [:]
        for row in manifest.byModel { expected[row.model] = row }
        for name in Set(actual.keys).union(expected.keys).sorted() {
            let subject = "model \(name)"
            guard let want = expected[name], let got = actual[name] else {
                found.append(
                    ManifestDifference(
                        subject: subject,
                        field: "present",
                        expected: expected[name] == nil ? "no" : "yes",
                        actual: actual[name] == nil ? "no" : "yes"
                    )
                )
                continue
            }
            var figures = Figures(subject: subject)
            figures.check(counts: want.counts, tokens: want.tokens, got.counts)
            figures.check("cost_nanos", want.cost, got.cost)
            figures.check("priced", want.priced, got.priced)
            figures.check("provider", want.provider, got.provider)
            found += figures.differences
        }
    }

    private func compareCompany(_ totals: WindowTotals, into found: inout [ManifestDifference]) {
        var figures = Figures(subject: "company")
        figures.check(counts: manifest.totals.counts, tokens: manifest.totals.tokens, totals.counts)
        figures.check("cost_nanos", manifest.totals.cost, totals.cost)
        figures.check("unpriced_tokens", manifest.totals.unpricedTokens, totals.unpricedTokens)
        figures.check("active_employees", UInt64(manifest.employeeCount), totals.activeEmployees)
        found += figures.differences
    }
}

/// Collects the differing figures of one subject.
private struct Figures {
    let subject: String
    var differences: [ManifestDifference] = []

    init(subject: String) { self.subject = subject }

    mutating func check<Value: Equatable & CustomStringConvertible>(
        _ field: String,
        _ expected: Value,
        _ actual: Value
    ) {
        guard expected != actual else { return }
        differences.append(
            ManifestDifference(
                subject: subject,
                field: field,
                expected: expected.description,
                actual: actual.description
            )
        )
    }

    /// The four counts and their total (the manifest stores the total on its own, so it is checked too).
    mutating func check(counts expected: TokenCounts, tokens: UInt64, _ actual: TokenCounts) {
        check("input", expected.input, actual.input)
        check("output", expected.output, actual.output)
        check("cache_write", expected.cacheWrite, actual.cacheWrite)
        check("cache_read", expected.cacheRead, actual.cacheRead)
        check("tokens", tokens, actual.total)
    }
}
