/// The live line a replay shows on standard error: acknowledged and sent events, rate, batch bytes sent,
/// failures, how far it is and the time left.
public struct ReplayStatusLine: Sendable, Hashable {
    /// Input bytes in all (0 when unknown).
    public var inputBytes: Int64
    /// The event limit, if any.
    public var limit: UInt64?
    /// The time limit, if any.
    public var duration: Duration?

    public init(inputBytes: Int64, limit: UInt64? = nil, duration: Duration? = nil) {
        self.inputBytes = inputBytes
        self.limit = limit
        self.duration = duration
    }

    /// How much of the replay is done, 0...1: the largest of the input read, the events sent against the limit
    /// and the time passed against the duration (whichever ends the replay first is furthest along).
    public func fraction(_ progress: ReplayProgress, bytesRead: Int64) -> Double {
        var done = inputBytes > 0 ? Double(bytesRead) / Double(inputBytes) : 0
        if let limit, limit > 0 { done = max(done, Double(progress.eventsSent) / Double(limit)) }
        if let duration, duration > .zero { done = max(done, progress.elapsed / duration) }
        return min(1, max(0, done))
    }

    /// `acked 1,200,000/1,250,000 events, 812,345 events/s, 52.1 MB/s sent, 0 errors, 45%, ETA 12 s`. MB/s counts
    /// encoded batches before compression: the input is read ahead, so its position overstates a paced rate.
    public func render(_ progress: ReplayProgress, bytesRead: Int64) -> String {
        let seconds = progress.elapsed / .seconds(1)
        let done = fraction(progress, bytesRead: bytesRead)
        let eta = done > 0 ? seconds / done - seconds : 0
        let megabytesPerSecond = seconds > 0 ? Double(progress.payloadBytes) / 1e6 / seconds : 0
        var text = "acked \(Formatting.grouped(progress.eventsAcked))/\(Formatting.grouped(progress.eventsSent)) events"
        text += ", \(Formatting.grouped(UInt64(progress.eventsPerSecond))) events/s"
        let tenths = Int((megabytesPerSecond * 10).rounded())
        text += ", \(tenths / 10).\(tenths % 10) MB/s sent"
        text += ", \(Formatting.grouped(progress.connectionFailures)) errors"
        text += ", \(Int(done * 100))%, ETA \(done > 0 ? "\(Int(eta.rounded())) s" : "-")"
        return text
    }
}
