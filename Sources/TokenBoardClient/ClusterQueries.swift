import TokenBoardWire

/// The queries a cluster answers: what the CLI sends over protocol v1 (`ClusterClient`) and what the coordinator
/// answers in-process for its HTTP API, so both build their reports from the same calls.
public protocol ClusterQueries: Sendable {
    func top(_ query: TopQuery) async throws -> TopReply
    func totals(_ query: TotalsQuery) async throws -> TotalsReply
    func employee(_ query: EmployeeQuery) async throws -> EmployeeReply
    func tiers(_ query: TiersQuery) async throws -> TiersReply
    func teams(_ query: TeamsQuery) async throws -> TeamsReply
    func budgets(_ query: BudgetsQuery) async throws -> BudgetsReply
    func titles(_ query: TitlesQuery) async throws -> TitlesReply
    func signals(_ query: SignalsQuery) async throws -> SignalsReply
    func status() async throws -> StatusReply
}

extension ClusterClient: ClusterQueries {}
