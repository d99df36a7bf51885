import TokenBoardClient
import TokenBoardWire

/// The coordinator answering the HTTP API in-process: the same queries protocol v1 clients send, without the
/// round trip through a socket.
struct CoordinatorQueries: ClusterQueries {
    let coordinator: Coordinator

    func top(_ query: TopQuery) async throws -> TopReply { try await coordinator.top(query) }

    func totals(_ query: TotalsQuery) async throws -> TotalsReply { try await coordinator.totals(query) }

    func employee(_ query: EmployeeQuery) async throws -> EmployeeReply { try await coordinator.employee(query) }

    func tiers(_ query: TiersQuery) async throws -> TiersReply { try await coordinator.tiers(query) }

    func teams(_ query: TeamsQuery) async throws -> TeamsReply { try await coordinator.teams(query) }

    func budgets(_ query: BudgetsQuery) async throws -> BudgetsReply { try await coordinator.budgets(query) }

    func titles(_ query: TitlesQuery) async throws -> TitlesReply { try await coordinator.titles(query) }

    func signals(_ query: SignalsQuery) async throws -> SignalsReply { try await coordinator.signals(query) }

    func status() async throws -> StatusReply { await coordinator.status() }
}
