import Foundation
import NIOCore
import NIOHTTP1
import TokenBoardClient
import TokenBoardHTTP
import TokenBoardWire

/// A failed API request, as its documented JSON body (docs/API.md):
/// `{"error":{"code":"bad-line","line":3,"message":"…","status":400}}`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponseStatus
    /// A stable machine-readable code: `bad-request`, `bad-line`, `not-found`, `method-not-allowed`,
    /// `too-large`, `headers-too-large`, `shards-unavailable`, `shard-map-mismatch`, `internal-error`, …
    public var code: String
    public var message: String
    /// The 1-based line of a refused `POST /v1/events` body.
    public var line: Int?
    /// Methods the path accepts (405 only).
    public var allowed: [HTTPMethod] = []

    public init(_ status: HTTPResponseStatus, code: String, message: String, line: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "bad-request", message: message)
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message)
    }

    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, code: "not-found", message: "no such resource: \(path)")
    }

    static func methodNotAllowed(_ method: HTTPMethod, allowed: [HTTPMethod]) -> APIError {
        var error = APIError(
            .methodNotAllowed,
            code: "method-not-allowed",
            message: "\(method.rawValue) is not allowed here; use \(allowed.map(\.rawValue).joined(separator: " or "))"
        )
        error.allowed = allowed
        return error
    }

    /// The API's view of any failure below it: the cluster's own refusals keep their meaning, an unreachable
    /// shard is 503, anything else is a 500.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let api as APIError:
            return api
        case let refusal as ErrorMessage:
            switch refusal.code {
            case .badRequest:
                return APIError(.badRequest, code: "bad-request", message: refusal.message)
            case .batchRejected:
                return APIError(.badRequest, code: "batch-rejected", message: refusal.message)
            case .shardsUnavailable:
                // The cluster's message names the CLI flag; over HTTP the same choice is a query parameter.
                let message = refusal.message.replacingOccurrences(of: "--allow-partial", with: "allow_partial=true")
                return APIError(.serviceUnavailable, code: "shards-unavailable", message: message)
            case .notOwner:
                // Slots never move, so a worker refusing its own slots disagrees with the coordinator's map.
                return APIError(
                    .serviceUnavailable,
                    code: "shard-map-mismatch",
                    message:
                        "a worker and the coordinator disagree about the shard map (a misconfiguration: slots never move): \(refusal.message)"
                )
            case .storageFailed:
                return APIError(.serviceUnavailable, code: "storage-failed", message: refusal.message)
            case .sequenceGap:
                return APIError(.conflict, code: "sequence-gap", message: refusal.message)
            default:
                return APIError(.internalServerError, code: "internal-error", message: refusal.description)
            }
        case let failure as ClientError:
            return APIError(.serviceUnavailable, code: "shards-unavailable", message: failure.description)
        case let failure as ReplayError:
            switch failure {
            case .shardMapMismatch:
                return APIError(.serviceUnavailable, code: "shard-map-mismatch", message: failure.description)
            case .shardMapChanged:
                return APIError(.serviceUnavailable, code: "shard-map-changed", message: failure.description)
            case .workerUnreachable, .workerUnavailable, .workersNotReached:
                return APIError(.serviceUnavailable, code: "shards-unavailable", message: failure.description)
            }
        default:
            return APIError(.internalServerError, code: "internal-error", message: "\(error)")
        }
    }

    /// The JSON response.
    var response: Response {
        var headers: HTTPHeaders = ["content-type": "application/json", "cache-control": "no-store"]
        if !allowed.isEmpty { headers.add(name: "allow", value: allowed.map(\.rawValue).joined(separator: ", ")) }
        if status == .unauthorized { headers.add(name: "www-authenticate", value: #"Bearer realm="tokenboard""#) }
        let body = (try? ReportJSON.encode(Body(error: .init(self)))) ?? Array("{}\n".utf8)
        return Response(status: status, headers: headers, body: ByteBuffer(bytes: body))
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            var status: UInt
            var code: String
            var message: String
            var line: Int?

            init(_ error: APIError) {
                status = error.status.code
                code = error.code
                message = error.message
                line = error.line
            }
        }

        var error: Detail
    }
}
