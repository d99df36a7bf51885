import NIOCore
import TokenBoardCore
import TokenBoardWire

/// The replies of a fan-out: who answered with what, and who did not and why.
struct FanOutResult<Reply: Sendable>: Sendable {
    var replies: [(worker: String, reply: Reply)]
    var missing: [(worker: String, reason: String)]

    var answered: [String] { replies.map(\.worker).sorted() }
    var missingIDs: [String] { missing.map(\.worker).sorted() }

    func coverage(map: ShardMap) -> Coverage {
        Coverage(
            mapVersion: map.version,
            shardsTotal: UInt32(map.workers.count),
            answered: answered,
            missing: missingIDs
        )
    }

    /// The error for an answer that lacks shards and whose caller did not accept a partial one.
    func unavailableError(map: ShardMap) -> ErrorMessage {
        let reasons = missing.sorted { $0.worker < $1.worker }.map { "\($0.worker) (\($0.reason))" }
        return ErrorMessage(
            code: .shardsUnavailable,
            message:
                "no answer from \(reasons.joined(separator: ", ")); \(replies.count)/\(map.workers.count) shards answered; use --allow-partial to accept a partial answer",
            mapVersion: map.version
        )
    }
}

extension Coordinator {
    /// Sends `query` to `workers` (default: every worker of the map) at once and collects the replies that
    /// arrive within the deadline under the map's version.
    func fanOut<Reply: ShardReply>(
        _ query: some WireMessage,
        expecting: Reply.Type,
        map: ShardMap,
        to workers: [String]? = nil
    ) async -> FanOutResult<Reply> {
        let endpoints = membership.endpoints
        let frame = Frame(query, requestID: 0)
        let deadline = queryDeadline
        let pool = self.pool
        return await withTaskGroup(of: (String, Result<Reply, any Error>).self) { group in
            for worker in workers ?? map.workers {
                group.addTask {
                    guard let endpoint = endpoints[worker] else {
                        return (worker, .failure(NotRegistered()))
                    }
                    do {
                        let connection = try await pool.connection(to: worker, at: endpoint)
                        let reply = try await connection.send(frame, timeout: deadline).get()
                        return (worker, .success(try reply.decode(Reply.self)))
                    } catch {
                        return (worker, .failure(error))
                    }
                }
            }
            var result = FanOutResult<Reply>(replies: [], missing: [])
            for await (worker, outcome) in group {
                switch outcome {
                case .success(let reply) where reply.answeredMapVersion == map.version:
                    result.replies.append((worker, reply))
                case .success(let reply):
                    result.missing.append(
                        (worker, "answered under shard map v\(reply.answeredMapVersion), current is v\(map.version)")
                    )
                case .failure(let error):
                    result.missing.append((worker, "\(error)"))
                }
            }
            return result
        }
    }
}

struct NotRegistered: Error, CustomStringConvertible {
    var description: String { "not registered" }
}
