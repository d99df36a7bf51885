import NIOCore
import NIOPosix
import TokenBoardCore
import TokenBoardWire

/// Queries the cluster through its coordinator: the board, spend, one employee, cluster status, the shard map.
public struct ClusterClient: Sendable {
    public let connection: Connection
    /// The deadline for each request.
    public var timeout: TimeAmount

    public init(connection: Connection, timeout: TimeAmount = .seconds(10)) {
        self.connection = connection
        self.timeout = timeout
    }

    /// Connects to a coordinator.
    public static func connect(
        to coordinator: Endpoint,
        timeout: TimeAmount = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ClusterClient {
        ClusterClient(connection: try await Connection.connect(to: coordinator, group: group), timeout: timeout)
    }

    public func top(_ query: TopQuery) async throws -> TopReply {
        try await connection.request(query, expecting: TopReply.self, timeout: timeout)
    }

    public func totals(_ query: TotalsQuery) async throws -> TotalsReply {
        try await connection.request(query, expecting: TotalsReply.self, timeout: timeout)
    }

    public func employee(_ query: EmployeeQuery) async throws -> EmployeeReply {
        try await connection.request(query, expecting: EmployeeReply.self, timeout: timeout)
    }

    /// A window's tier floors and how many employees hold each tier.
    public func tiers(_ query: TiersQuery) async throws -> TiersReply {
        try await connection.request(query, expecting: TiersReply.self, timeout: timeout)
    }

    /// Usage by team or org, and optionally one employee's standing in their team.
    public func teams(_ query: TeamsQuery) async throws -> TeamsReply {
        try await connection.request(query, expecting: TeamsReply.self, timeout: timeout)
    }

    /// Every configured budget against its month-to-date cost.
    public func budgets(_ query: BudgetsQuery) async throws -> BudgetsReply {
        try await connection.request(query, expecting: BudgetsReply.self, timeout: timeout)
    }

    /// Who holds each title over a window.
    public func titles(_ query: TitlesQuery) async throws -> TitlesReply {
        try await connection.request(query, expecting: TitlesReply.self, timeout: timeout)
    }

    /// Who the gaming signals flag over a window, with the usage flagged.
    public func signals(_ query: SignalsQuery) async throws -> SignalsReply {
        try await connection.request(query, expecting: SignalsReply.self, timeout: timeout)
    }

    public func status() async throws -> StatusReply {
        try await connection.request(StatusQuery(), expecting: StatusReply.self, timeout: timeout)
    }

    public func shardMap() async throws -> ShardMapReply {
        try await connection.request(ShardMapQuery(), expecting: ShardMapReply.self, timeout: timeout)
    }

    /// Asks for the cluster's status until at least `count` workers are alive or `deadline` passes; returns the
    /// last status either way so the caller can say which workers are missing.
    public func waitForWorkers(_ count: Int, within deadline: Duration) async throws -> (ready: Bool, StatusReply) {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while true {
            let status = try await status()
            if status.workers.filter(\.alive).count >= count { return (true, status) }
            if clock.now >= end { return (false, status) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func close() async {
        await connection.close()
    }
}
