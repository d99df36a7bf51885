import TokenBoardClient
import TokenBoardWire

/// The cluster queries the API answers: the coordinator itself when the gateway runs inside it, or a
/// `ClusterClient` talking protocol v1 to a coordinator elsewhere.
public protocol ClusterQueries: Sendable {
    func top(_ query: TopQuery) async throws -> TopReply
    func totals(_ query: TotalsQuery) async throws -> TotalsReply
    func employee(_ query: EmployeeQuery) async throws -> EmployeeReply
    func status() async throws -> StatusReply
}

extension ClusterClient: ClusterQueries {}
