import NIOCore
import Synchronization
import TokenBoardWire

/// One connection to a worker and the batches sent on it that are not acknowledged yet, oldest first. Each lane
/// numbers its batches under its own producer id, so the worker sees one gap-free sequence per lane however the
/// lanes interleave.
struct Lane {
    /// A batch on its way, kept until acknowledged so it can be resent after a reconnect.
    struct InFlight {
        var events: Int
        var request: PendingRequest.Outgoing
        var sentAt: ContinuousClock.Instant
        var reply: Reply
    }

    /// The reply to come and whether it has come (success or failure), so that the replayer can take replies
    /// that have arrived without waiting for the ones that have not.
    struct Reply {
        var future: EventLoopFuture<Acknowledgement>
        var completion: Completion

        var hasArrived: Bool { completion.isSet }
    }

    /// Set once on the event loop when a reply (or its failure) arrives.
    final class Completion: Sendable {
        private let flag = Atomic<Bool>(false)

        var isSet: Bool { flag.load(ordering: .acquiring) }

        func set() { flag.store(true, ordering: .releasing) }
    }

    /// A reply and the moment it arrived (taken on the event loop, so a replayer busy elsewhere does not inflate
    /// the latency).
    struct Acknowledgement: Sendable {
        var frame: Frame
        var arrived: ContinuousClock.Instant
    }

    let worker: Int
    let producerID: UInt64
    /// Nil until the lane connects (when the replay starts, or with its worker's first batch) and while
    /// reconnecting.
    var connection: Connection?
    /// The number of the last batch sent.
    var sequence: UInt64 = 0
    var inflight: [InFlight] = []

    /// A lane not connected yet.
    init(worker: Int, producerID: UInt64) {
        self.worker = worker
        self.producerID = producerID
    }

    /// Sends a request on this lane's connection; the reply carries its arrival time.
    static func send(_ request: PendingRequest.Outgoing, on connection: Connection, timeout: TimeAmount) -> Reply {
        let future = connection.send(request, timeout: timeout).map {
            Acknowledgement(frame: $0, arrived: ContinuousClock.now)
        }
        let completion = Completion()
        future.whenComplete { _ in completion.set() }
        return Reply(future: future, completion: completion)
    }
}
