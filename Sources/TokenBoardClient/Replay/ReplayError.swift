/// Why a replay failed, as the replayer saw it (a worker's other refusals arrive as the worker's `ErrorMessage`).
public enum ReplayError: Error, Hashable, CustomStringConvertible {
    /// A worker's connection failed and reconnecting kept failing for `after`.
    case workerUnreachable(String, lastError: String, after: Duration)
    /// The first connection to a worker the replay had a batch for could not be made; nothing was sent to it.
    case workerUnavailable(String, reason: String)
    /// Under `ReplayOptions.Reach.eventOwners`: the listed workers could not be reached, and every
    /// batch sent to the others was acknowledged. `notSent` events were set aside for the workers not reached;
    /// `unanswered` were sent to them before their connection failed and may or may not have been applied.
    case workersNotReached([WorkerFailure], notSent: UInt64, unanswered: UInt64, acknowledged: UInt64)
    /// A worker refused a batch the replay's shard map routed to it, because its own map gives the employee's
    /// slot to another worker.
    case shardMapMismatch(worker: String, workerMapVersion: UInt64, routedMapVersion: UInt64, refusal: String)
    /// The coordinator's shard map changed while the replay ran (it routes by the map it started with).
    case shardMapChanged(from: UInt64, to: UInt64)

    /// A worker a replay gave up on, and why.
    public struct WorkerFailure: Sendable, Hashable, CustomStringConvertible {
        public var worker: String
        public var reason: String

        public init(worker: String, reason: String) {
            self.worker = worker
            self.reason = reason
        }

        public var description: String { reason }
    }

    public var description: String {
        switch self {
        case .workerUnreachable(let worker, let lastError, let after):
            return
                "worker \(worker) stayed unreachable for \(after) (last error: \(lastError)); batches not acknowledged were not counted"
        case .workerUnavailable(let worker, let reason):
            return "worker \(worker) is unavailable: \(reason)"
        case .workersNotReached(let failures, let notSent, let unanswered, let acknowledged):
            let names = failures.map(\.worker).joined(separator: ", ")
            var text = failures.map(\.reason).joined(separator: "; ")
            text +=
                "; \(notSent) event\(notSent == 1 ? "" : "s") for \(names) \(notSent == 1 ? "was" : "were") not sent"
            if unanswered > 0 {
                text += " and \(unanswered) were sent without an acknowledgement (they may have been applied)"
            }
            text += "; every event for the other workers (\(acknowledged)) was acknowledged"
            return text
        case .shardMapMismatch(let worker, let workerVersion, let routedVersion, let refusal):
            return
                "worker \(worker) and the coordinator disagree about the shard map: the coordinator's map v\(routedVersion) routed a batch to \(worker), which refused it under its own map v\(workerVersion) (\(refusal)). Slots never move (moving them is not implemented), so this is a misconfiguration: start the worker and the coordinator from the same topology"
        case .shardMapChanged(let from, let to):
            return "the shard map changed from v\(from) to v\(to) during the replay; run it again"
        }
    }
}
