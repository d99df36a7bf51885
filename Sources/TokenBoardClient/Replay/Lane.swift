import NIOCore
import TokenBoardWire

/// One connection to a worker and the batches sent on it that are not acknowledged yet, oldest first. Each lane
/// numbers its batches under its own producer id, so the worker sees one gap-free sequence per lane however the
/// lanes interleave.
struct Lane {
    /// A batch on its way, kept until acknowledged so it can be resent after a reconnect.
    struct InFlight {
        var events: Int
        var frame: Frame
        var sentAt: ContinuousClock.Instant
        var reply: EventLoopFuture<Acknowledgement>
    }

    /// A reply and the moment it arrived (taken on the event loop, so a replayer busy elsewhere does not inflate
    /// the latency).
    struct Acknowledgement: Sendable {
        var frame: Frame
        var arrived: ContinuousClock.Instant
    }

    let worker: Int
    let producerID: UInt64
    var connection: Connection?
    /// The number of the last batch sent.
    var sequence: UInt64 = 0
    var inflight: [InFlight] = []

    init(worker: Int, producerID: UInt64, connection: Connection) {
        self.worker = worker
        self.producerID = producerID
        self.connection = connection
    }

    /// Sends a frame on this lane's connection; the reply future carries its arrival time.
    static func send(_ frame: Frame, on connection: Connection, timeout: TimeAmount) -> EventLoopFuture<Acknowledgement>
    {
        connection.send(frame, timeout: timeout).map { Acknowledgement(frame: $0, arrived: ContinuousClock.now) }
    }
}
