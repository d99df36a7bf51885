import NIOCore
import NIOHTTP1
import NIOPosix
import TokenBoardClient
import TokenBoardCore
import TokenBoardGateway
import TokenBoardHTTP
import TokenBoardWire
import XCTest

/// A cluster that answers from fixed replies and records the queries it was asked.
final class FixedCluster: ClusterQueries, @unchecked Sendable {
    var topQueries: [TopQuery] = []
    var failure: ErrorMessage?

    var board = TopReply(
        entries: [
            RankedEmployee(
                employee: "ada",
                counts: TokenCounts(input: 10, output: 20, cacheWrite: 30, cacheRead: 40),
                cost: 1_500_000_000,
                unpricedTokens: 0
            )
        ],
        totals: WindowTotals(),
        anchor: Day(iso: "2026-10-30"),
        newestDay: Day(iso: "2026-10-30"),
        coverage: Coverage(mapVersion: 1, shardsTotal: 2, answered: ["w1", "w2"], missing: [])
    )

    func top(_ query: TopQuery) async throws -> TopReply {
        topQueries.append(query)
        if let failure { throw failure }
        return board
    }

    func totals(_ query: TotalsQuery) async throws -> TotalsReply {
        throw ErrorMessage(code: .internalError, message: "x")
    }
    func employee(_ query: EmployeeQuery) async throws -> EmployeeReply {
        throw ErrorMessage(code: .internalError, message: "x")
    }
    func tiers(_ query: TiersQuery) async throws -> TiersReply {
        TiersReply(
            cutoffs: TierCutoffs(metric: .tokens, levels: [], activeEmployees: 0),
            anchor: query.anchor,
            coverage: board.coverage
        )
    }
    func teams(_ query: TeamsQuery) async throws -> TeamsReply {
        throw ErrorMessage(code: .internalError, message: "x")
    }
    func budgets(_ query: BudgetsQuery) async throws -> BudgetsReply {
        throw ErrorMessage(code: .internalError, message: "x")
    }
    func titles(_ query: TitlesQuery) async throws -> TitlesReply {
        TitlesReply(
            holders: [TitleHolder(title: .tokenLegend, employee: "ada", value: 100)],
            rules: TitleRules(),
            anchor: query.anchor,
            coverage: board.coverage
        )
    }
    func signals(_ query: SignalsQuery) async throws -> SignalsReply {
        SignalsReply(flagged: [], rules: SignalRules(), anchor: query.anchor, coverage: board.coverage)
    }
    func status() async throws -> StatusReply { throw ErrorMessage(code: .internalError, message: "x") }
}

final class APIResponderTests: XCTestCase {
    private func responder(_ cluster: FixedCluster) -> APIResponder {
        let address = Endpoint(host: "127.0.0.1", port: 7400)
        return APIResponder(
            cluster: cluster,
            coordinatorAddress: address,
            ingest: EventIngest(coordinator: address, group: MultiThreadedEventLoopGroup.singleton)
        )
    }

    private func body(_ response: Response) -> String { String(buffer: response.body) }

    func testTopParametersBecomeTheQueryAndTheBodyIsTheCLIsJSON() async throws {
        let cluster = FixedCluster()
        let response = await responder(cluster).respond(
            to: Request(method: .GET, target: "/v1/top?k=7&window=7d&by=cost&as_of=2026-10-15&allow_partial=true")
        )
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.headers.first(name: "content-type"), "application/json")
        XCTAssertEqual(
            cluster.topQueries,
            [TopQuery(k: 7, window: .days(7), anchor: Day(iso: "2026-10-15"), metric: .cost, allowPartial: true)]
        )
        XCTAssertEqual(Array(response.body.readableBytesView), try expected(cluster, window: .days(7), metric: .cost))
        XCTAssertTrue(String(buffer: response.body).contains(#""titles" : ["#), String(buffer: response.body))
        XCTAssertTrue(String(buffer: response.body).contains("Token Legend"), "the rows carry their titles")
    }

    /// The body the CLI prints for the fixed cluster: its board with the tiers and titles it answers.
    private func expected(_ cluster: FixedCluster, window: Window, metric: RankingMetric) throws -> [UInt8] {
        let report = TopReport(
            reply: cluster.board,
            window: window,
            metric: metric,
            tiers: TierCutoffs(metric: .tokens, levels: [], activeEmployees: 0),
            titles: [TitleHolder(title: .tokenLegend, employee: "ada", value: 100)]
        )
        return try ReportJSON.encode(report)
    }

    func testARepeatedAnswerReusesItsBodyAndAChangedOneIsEncodedAgain() async throws {
        let cluster = FixedCluster()
        let api = responder(cluster)
        let first = await api.respond(to: Request(method: .GET, target: "/v1/top?k=1"))
        let again = await api.respond(to: Request(method: .GET, target: "/v1/top?k=1"))
        XCTAssertEqual(first.body, again.body)
        cluster.board.entries[0].counts.output += 1
        let changed = await api.respond(to: Request(method: .GET, target: "/v1/top?k=1"))
        XCTAssertEqual(
            Array(changed.body.readableBytesView),
            try expected(cluster, window: .days(30), metric: .tokens)
        )
        XCTAssertNotEqual(changed.body, first.body)
    }

    func testAdjustedBoardIsTheCLIsAdjustedBoardAndCachedApart() async throws {
        let cluster = FixedCluster()
        let api = responder(cluster)
        let plain = await api.respond(to: Request(method: .GET, target: "/v1/top?k=1"))
        let adjusted = await api.respond(to: Request(method: .GET, target: "/v1/top?k=1&adjusted=true"))
        XCTAssertEqual(adjusted.status, .ok)
        let expected = try await cluster.topReport(
            TopQuery(k: 1, window: .days(30), anchor: nil, metric: .tokens),
            adjusted: true
        )
        XCTAssertEqual(Array(adjusted.body.readableBytesView), try ReportJSON.encode(expected))
        XCTAssertTrue(String(buffer: adjusted.body).contains("raw_rank"), String(buffer: adjusted.body))
        XCTAssertFalse(String(buffer: plain.body).contains("raw_rank"), String(buffer: plain.body))
    }

    func testDefaultsAreTheCLIs() async throws {
        let cluster = FixedCluster()
        _ = await responder(cluster).respond(to: Request(method: .GET, target: "/v1/top"))
        XCTAssertEqual(
            cluster.topQueries,
            [TopQuery(k: 250, window: .days(30), anchor: nil, metric: .tokens, allowPartial: false)]
        )
    }

    func testBadParametersAreRefusedWithoutAskingTheCluster() async throws {
        let cluster = FixedCluster()
        let cases: [(String, String)] = [
            ("/v1/top?k=0", "k must be a positive integer; got '0'"),
            ("/v1/top?window=5w", "window must be like 1d, 7d, 30d or all; got '5w'"),
            ("/v1/top?by=joy", "by must be tokens, cost or output; got 'joy'"),
            ("/v1/top?as_of=2026-13-01", "as_of must be a date YYYY-MM-DD; got '2026-13-01'"),
            ("/v1/top?allow_partial=maybe", "allow_partial must be true or false; got 'maybe'"),
            ("/v1/top?adjusted=yes", "adjusted must be true or false; got 'yes'"),
            ("/v1/spend?by=tokens", "by must be model or provider; got 'tokens'"),
            ("/v1/status?verbose=1", "unknown query parameter 'verbose' (accepted: )"),
        ]
        for (target, message) in cases {
            let response = await responder(cluster).respond(to: Request(method: .GET, target: target))
            XCTAssertEqual(response.status, .badRequest, target)
            XCTAssertEqual(
                body(response),
                "{\n  \"error\" : {\n    \"code\" : \"bad-request\",\n    \"message\" : \"\(message)\",\n    \"status\" : 400\n  }\n}\n",
                target
            )
        }
        XCTAssertEqual(cluster.topQueries, [])
    }

    func testUnknownPathsAndWrongMethods() async throws {
        let api = responder(FixedCluster())
        let missing = await api.respond(to: Request(method: .GET, target: "/v1/nothing"))
        XCTAssertEqual(missing.status, .notFound)
        let wrong = await api.respond(to: Request(method: .DELETE, target: "/v1/top"))
        XCTAssertEqual(wrong.status, .methodNotAllowed)
        XCTAssertEqual(wrong.headers.first(name: "allow"), "GET")
        let get = await api.respond(to: Request(method: .GET, target: "/v1/events"))
        XCTAssertEqual(get.headers.first(name: "allow"), "POST")
        let long = String(repeating: "x", count: 257)
        let name = await api.respond(to: Request(method: .GET, target: "/v1/employees/\(long)"))
        XCTAssertEqual(name.status, .badRequest)
    }

    func testClusterRefusalsKeepTheirMeaning() async throws {
        let cluster = FixedCluster()
        cluster.failure = ErrorMessage(
            code: .shardsUnavailable,
            message:
                "no answer from w3 (connection refused); 3/4 shards answered; use --allow-partial to accept a partial answer"
        )
        let down = await responder(cluster).respond(to: Request(method: .GET, target: "/v1/top"))
        XCTAssertEqual(down.status, .serviceUnavailable)
        XCTAssertTrue(body(down).contains("\"code\" : \"shards-unavailable\""))
        XCTAssertTrue(body(down).contains("use allow_partial=true to accept"), body(down))

        cluster.failure = ErrorMessage(code: .badRequest, message: "k must be between 1 and 100000")
        let big = await responder(cluster).respond(to: Request(method: .GET, target: "/v1/top?k=100001"))
        XCTAssertEqual(big.status, .badRequest)
        XCTAssertTrue(body(big).contains("k must be between 1 and 100000"))
    }

    func testTransportRefusalsUseTheSameErrorShape() {
        let api = responder(FixedCluster())
        let tooLarge = api.refusal(.payloadTooLarge, reason: "request body exceeds 10 bytes")
        XCTAssertEqual(
            body(tooLarge),
            "{\n  \"error\" : {\n    \"code\" : \"too-large\",\n    \"message\" : \"request body exceeds 10 bytes\",\n    \"status\" : 413\n  }\n}\n"
        )
        XCTAssertTrue(body(api.refusal(.requestHeaderFieldsTooLarge, reason: "x")).contains("headers-too-large"))
    }

    func testPostedEventsNeedABearerTokenWhenTokensAreSet() async throws {
        let address = Endpoint(host: "127.0.0.1", port: 7400)
        let tokens = try IngestTokens(
            fileText: "# gateways\n  gateway-token-0001-aaaa\r\n\nrotated-token-0002-bbbb\n",
            file: "tokens"
        )
        let api = APIResponder(
            cluster: FixedCluster(),
            coordinatorAddress: address,
            ingest: EventIngest(coordinator: address, group: MultiThreadedEventLoopGroup.singleton),
            ingestTokens: tokens
        )
        func post(_ authorization: String?) async -> Response {
            var headers: HTTPHeaders = [:]
            if let authorization { headers.add(name: "authorization", value: authorization) }
            return await api.respond(to: Request(method: .POST, target: "/v1/events", headers: headers))
        }
        for (authorization, message) in [
            (nil, "POST /v1/events needs an Authorization: Bearer token"),
            ("Basic Z2F0ZXdheQ==", "the Authorization header must be Bearer TOKEN"),
            ("Bearer gateway-token-0001-aaab", "the bearer token is not one this coordinator accepts"),
            ("Bearer gateway-token-0001-aaaa ", "the bearer token is not one this coordinator accepts"),
        ] {
            let refused = await post(authorization)
            XCTAssertEqual(refused.status, .unauthorized, "\(String(describing: authorization))")
            XCTAssertEqual(refused.headers.first(name: "www-authenticate"), #"Bearer realm="tokenboard""#)
            XCTAssertEqual(
                body(refused),
                """
                {
                  "error" : {
                    "code" : "unauthorized",
                    "message" : "\(message)",
                    "status" : 401
                  }
                }

                """
            )
        }
        // Either listed token gets past the check, to the body's (here: an empty body, 400).
        for token in ["gateway-token-0001-aaaa", "rotated-token-0002-bbbb"] {
            let accepted = await post("bearer \(token)")
            XCTAssertEqual(accepted.status, .badRequest, body(accepted))
        }
        // Reading the board needs no token.
        let board = await api.respond(to: Request(method: .GET, target: "/v1/top"))
        XCTAssertEqual(board.status, .ok)
    }

    func testTokenFilesAreChecked() {
        XCTAssertThrowsError(try IngestTokens(fileText: "# only a comment\n\n", file: "t")) { error in
            XCTAssertEqual("\(error)", "t holds no token")
        }
        XCTAssertThrowsError(try IngestTokens(fileText: "long-enough-token-1\nshort\n", file: "t")) { error in
            XCTAssertEqual(
                "\(error)",
                "t:2: a token must be 16 to 256 printable ASCII characters without spaces"
            )
        }
        XCTAssertThrowsError(try IngestTokens(fileText: "has a space in it, long\n", file: "t"))
    }
}
