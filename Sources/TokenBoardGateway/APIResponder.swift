import Foundation
import NIOCore
import NIOHTTP1
import TokenBoardClient
import TokenBoardCore
import TokenBoardHTTP
import TokenBoardWire

/// The coordinator's HTTP API (docs/API.md): the board, spend, one employee and the cluster's status as the
/// same JSON `tokenboard … --json` prints, `POST /v1/events` for canonical JSONL, the leaderboard page at `/`
/// and `/metrics`.
public struct APIResponder: Responder {
    public let cluster: any ClusterQueries
    /// The coordinator's protocol-v1 address, as `status` reports it.
    public let coordinatorAddress: Endpoint
    public let ingest: EventIngest
    /// The tokens `POST /v1/events` requires; nil accepts events from anyone who can reach the server.
    public let ingestTokens: IngestTokens?
    /// `/metrics`; the API's own request counts and latencies go to the same registry.
    public let metrics: MetricsEndpoint?
    private let httpMetrics: HTTPMetrics?
    private let boards = EncodedReplies<BoardKey, TopReport>()
    private let spends = EncodedReplies<SpendKey, TotalsReply>()

    private struct SpendKey: Hashable, Sendable {
        var query: TotalsQuery
        var grouping: SpendReport.Grouping
    }

    public init(
        cluster: any ClusterQueries,
        coordinatorAddress: Endpoint,
        ingest: EventIngest,
        ingestTokens: IngestTokens? = nil,
        metrics: MetricsEndpoint? = nil
    ) {
        self.cluster = cluster
        self.coordinatorAddress = coordinatorAddress
        self.ingest = ingest
        self.ingestTokens = ingestTokens
        self.metrics = metrics
        httpMetrics = metrics.map { HTTPMetrics(registry: $0.registry) }
    }

    public func respond(to request: Request) async -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response: Response
        do {
            response = try await route(request)
        } catch {
            response = APIError.from(error).response
        }
        httpMetrics?.record(Self.route(of: request), status: response.status.code, took: clock.now - start)
        return response
    }

    /// The metrics label of a request's path.
    static func route(of request: Request) -> HTTPMetrics.Route {
        switch request.pathSegments {
        case ["v1", "top"]: return .top
        case ["v1", "spend"]: return .spend
        case ["v1", "tiers"]: return .tiers
        case ["v1", "titles"]: return .titles
        case ["v1", "teams"]: return .teams
        case ["v1", "budgets"]: return .budgets
        case ["v1", "status"]: return .status
        case ["v1", "events"]: return .events
        case ["metrics"]: return .metrics
        case [], ["board.css"], ["board.js"]: return .page
        case let segments where segments.count == 3 && segments[0] == "v1" && segments[1] == "employees":
            return .employee
        default: return .other
        }
    }

    public func refusal(_ status: HTTPResponseStatus, reason: String) -> Response {
        let code: String
        switch status {
        case .payloadTooLarge: code = "too-large"
        case .requestHeaderFieldsTooLarge: code = "headers-too-large"
        default: code = "bad-request"
        }
        return APIError(status, code: code, message: reason).response
    }

    private func route(_ request: Request) async throws -> Response {
        let segments = request.pathSegments
        switch segments {
        case ["v1", "top"]:
            try only(.GET, request)
            return try await top(request)
        case ["v1", "spend"]:
            try only(.GET, request)
            return try await spend(request)
        case ["v1", "tiers"]:
            try only(.GET, request)
            let parameters = try QueryParameters(request.query, allowed: ["window", "as_of", "allow_partial"])
            let window = try parameters.window()
            let reply = try await cluster.tiers(
                TiersQuery(window: window, anchor: try parameters.anchor(), allowPartial: try parameters.allowPartial())
            )
            return try json(TierReport(reply: reply, window: window))
        case ["v1", "titles"]:
            try only(.GET, request)
            let parameters = try QueryParameters(request.query, allowed: ["window", "as_of", "allow_partial"])
            let window = try parameters.window()
            let reply = try await cluster.titles(
                TitlesQuery(
                    window: window,
                    anchor: try parameters.anchor(),
                    allowPartial: try parameters.allowPartial()
                )
            )
            return try json(TitleReport(reply: reply, window: window))
        case ["v1", "teams"]:
            try only(.GET, request)
            let parameters = try QueryParameters(
                request.query,
                allowed: ["group", "by", "k", "window", "as_of", "allow_partial"]
            )
            let window = try parameters.window()
            let grouping = try parameters.group()
            let metric = try parameters.metric()
            let reply = try await cluster.teams(
                TeamsQuery(
                    window: window,
                    anchor: try parameters.anchor(),
                    grouping: grouping,
                    metric: metric,
                    allowPartial: try parameters.allowPartial()
                )
            )
            let limit = Int(try parameters.k())
            return try json(GroupReport(reply: reply, window: window, grouping: grouping, metric: metric, limit: limit))
        case ["v1", "budgets"]:
            try only(.GET, request)
            let parameters = try QueryParameters(request.query, allowed: ["all", "as_of", "allow_partial"])
            let reply = try await cluster.budgets(
                BudgetsQuery(anchor: try parameters.anchor(), allowPartial: try parameters.allowPartial())
            )
            return try json(BudgetReport(reply: reply, all: try parameters.flag("all")))
        case ["v1", "status"]:
            try only(.GET, request)
            _ = try QueryParameters(request.query, allowed: [])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            return try json(
                StatusReport(reply: try await cluster.status(), coordinatorAddress: coordinatorAddress, nowMillis: now)
            )
        case ["v1", "events"]:
            try only(.POST, request)
            try ingestTokens?.authorize(request.headers)
            _ = try QueryParameters(request.query, allowed: [])
            let key = request.headers.first(name: "idempotency-key")
            let report = try await ingest.ingest(request.body, idempotencyKey: key)
            httpMetrics?.ingestedEvents.increment(by: Int64(report.events - report.duplicateEvents))
            return try json(report)
        case ["metrics"]:
            guard let metrics else { throw APIError.notFound(request.path) }
            try only(.GET, request)
            return await metrics.response()
        default:
            if let page = WebPage.response(for: segments) {
                try only(.GET, request)
                return page
            }
            if segments.count == 3 && segments[0] == "v1" && segments[1] == "employees" {
                try only(.GET, request)
                return try await employee(segments[2], request)
            }
            throw APIError.notFound(request.path)
        }
    }

    private func top(_ request: Request) async throws -> Response {
        let parameters = try QueryParameters(
            request.query,
            allowed: ["k", "window", "by", "as_of", "allow_partial", "adjusted"]
        )
        let query = TopQuery(
            k: try parameters.k(),
            window: try parameters.window(),
            anchor: try parameters.anchor(),
            metric: try parameters.metric(),
            allowPartial: try parameters.allowPartial()
        )
        let adjusted = try parameters.adjusted()
        let report = try await cluster.topReport(query, adjusted: adjusted)
        return json(
            try boards.body(for: BoardKey(query: query, adjusted: adjusted), reply: report) {
                try ReportJSON.encode(report)
            }
        )
    }

    private func spend(_ request: Request) async throws -> Response {
        let parameters = try QueryParameters(request.query, allowed: ["window", "by", "as_of", "allow_partial"])
        let window = try parameters.window()
        let grouping = try parameters.grouping()
        let query = TotalsQuery(
            window: window,
            anchor: try parameters.anchor(),
            allowPartial: try parameters.allowPartial()
        )
        let reply = try await cluster.totals(query)
        return json(
            try spends.body(for: SpendKey(query: query, grouping: grouping), reply: reply) {
                try ReportJSON.encode(SpendReport(reply: reply, window: window, grouping: grouping))
            }
        )
    }

    private func employee(_ name: String, _ request: Request) async throws -> Response {
        guard !name.isEmpty && name.utf8.count <= 256 else {
            throw APIError.badRequest("employee keys are 1 to 256 bytes")
        }
        let parameters = try QueryParameters(request.query, allowed: ["window", "by", "as_of", "allow_partial"])
        let window = try parameters.window()
        let metric = try parameters.metric()
        let query = EmployeeQuery(
            employee: name,
            window: window,
            anchor: try parameters.anchor(),
            metric: metric,
            allowPartial: try parameters.allowPartial()
        )
        return try json(try await cluster.employeeReport(query))
    }

    private func only(_ method: HTTPMethod, _ request: Request) throws(APIError) {
        guard request.method == method else { throw .methodNotAllowed(request.method, allowed: [method]) }
    }

    private func json(_ report: some Encodable) throws -> Response {
        json(ByteBuffer(bytes: try ReportJSON.encode(report)))
    }

    private func json(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: ["content-type": "application/json", "cache-control": "no-store"], body: body)
    }
}

/// What a board body is cached under: the query and whether it was re-ranked without flagged usage.
struct BoardKey: Hashable, Sendable {
    var query: TopQuery
    var adjusted: Bool
}
