import ArgumentParser
import TokenBoardClient

/// How fast, over how many connections and for how long a replay sends.
struct ReplayControlOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Events per second (N, N/s, 50k/s, 2m/s), or max.",
            discussion: "A token bucket: after a stall it sends at most 50 ms worth of events at once."
        )
    )
    var rate: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Replay at a multiple of the log's own time (60x: a minute of log per second).",
            discussion: "Paced by each event's timestamp relative to the first event's."
        )
    )
    var speed: String?

    @Option(name: .long, help: "Connections to each worker; batches go round-robin over them.")
    var connections: Int = 1

    @Option(name: .long, help: "Stop sending after this many seconds.")
    var duration: Double?

    @Option(name: .long, help: "Stop after this many events.")
    var limit: UInt64?

    @Option(name: .long, help: "When paced, send a partly filled batch after this many milliseconds.")
    var linger: Int = 100

    func validate() throws {
        if rate != nil && speed != nil { throw ValidationError("give --rate or --speed, not both") }
        if let rate, Pacing(rate: rate) == nil {
            throw ValidationError("--rate must be events per second like 50000/s, 50k/s or 2m/s, or max; got '\(rate)'")
        }
        if let speed, Pacing(speed: speed) == nil {
            throw ValidationError("--speed must be a factor above 0 like 60x or 0.5x; got '\(speed)'")
        }
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be between 1 and 64") }
        if let duration, !(duration > 0 && duration <= 31_536_000) {
            throw ValidationError("--duration must be between 0 and 31536000 seconds (a year)")
        }
        if limit == 0 { throw ValidationError("--limit must be at least 1") }
        guard (1...60_000).contains(linger) else { throw ValidationError("--linger must be 1 to 60000 milliseconds") }
    }

    /// The pacing asked for; unlimited by default.
    var pacing: Pacing {
        if let rate, let pacing = Pacing(rate: rate) { return pacing }
        if let speed, let pacing = Pacing(speed: speed) { return pacing }
        return .unlimited
    }

    /// The time limit asked for.
    var timeLimit: Duration? { duration.map { .milliseconds(Int64(($0 * 1000).rounded())) } }

    /// Sets pacing, connections and limits.
    func apply(to options: inout ReplayOptions) {
        options.pacing = pacing
        options.connectionsPerWorker = connections
        options.limit = limit
        options.duration = timeLimit
        options.linger = .milliseconds(linger)
    }
}
