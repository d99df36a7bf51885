import TokenBoardCore
import TokenBoardWire
import TokenBoardWorkload

/// Checks a cluster against a manifest (`tokenboard gen`'s, or one `ManifestBuilder` computed from a log): asks
/// the coordinator for the board, spend by model and each employee `ManifestComparison` names over window
/// `all` (a manifest covers its whole log), and compares. The cluster must hold exactly the manifest's log:
/// anything else ingested shows up as differences.
public struct ManifestVerifier: Sendable {
    public let comparison: ManifestComparison
    /// Employee queries in flight at once (pipelined on one connection).
    public var concurrency = 16

    /// A verifier that checks the board, its employees and `sample` others.
    public init(manifest: Manifest, sample: Int = 100) {
        comparison = ManifestComparison(manifest: manifest, sample: sample)
    }

    /// Asks the cluster every question the comparison needs; any shard that does not answer fails it.
    public func answers(from client: ClusterClient) async throws -> ClusterAnswers {
        let top = try await client.top(
            TopQuery(k: UInt32(Manifest.boardSize), window: .allTime, anchor: nil, metric: .tokens)
        )
        let spend = try await client.totals(TotalsQuery(window: .allTime, anchor: nil))
        var employees: [String: ClusterAnswers.EmployeeAnswer?] = [:]
        let keys = comparison.employees
        try await withThrowingTaskGroup(of: (String, ClusterAnswers.EmployeeAnswer?).self) { group in
            var next = 0
            func ask(_ key: String) {
                group.addTask {
                    let reply = try await client.employee(
                        EmployeeQuery(employee: key, window: .allTime, anchor: nil, metric: .tokens)
                    )
                    return (key, reply.usage.map { .init(summary: $0.summary, rank: reply.rank) })
                }
            }
            while next < min(concurrency, keys.count) {
                ask(keys[next])
                next += 1
            }
            while let (key, answer) = try await group.next() {
                employees[key] = .some(answer)
                if next < keys.count {
                    ask(keys[next])
                    next += 1
                }
            }
        }
        return ClusterAnswers(board: top.entries, models: spend.models, totals: spend.totals, employees: employees)
    }

    /// Asks the cluster and compares.
    public func verify(using client: ClusterClient) async throws -> ManifestVerification {
        let answers = try await answers(from: client)
        return ManifestVerification(comparison: comparison, differences: comparison.differences(answers))
    }
}

/// The outcome of checking a cluster against a manifest.
public struct ManifestVerification: Sendable, Hashable {
    /// Every difference found, in the comparison's order; empty when the cluster matches.
    public var differences: [ManifestDifference]
    /// Board places compared.
    public var boardPlaces: Int
    /// Employees whose totals and rank were compared (the board and the sample).
    public var employeesChecked: Int
    /// Of those, how many were sampled from outside the board.
    public var sampled: Int
    /// Models in the manifest.
    public var models: Int

    public init(comparison: ManifestComparison, differences: [ManifestDifference]) {
        self.differences = differences
        boardPlaces = comparison.manifest.top.count
        employeesChecked = comparison.employees.count
        sampled = comparison.sampleCount
        models = comparison.manifest.byModel.count
    }

    /// Whether the cluster matched the manifest in every figure checked.
    public var passed: Bool { differences.isEmpty }
}
