/// How fast a replay sends: as fast as the cluster acknowledges, at a fixed event rate, or at a multiple of the
/// speed the log was written at (by the events' own timestamps).
public enum Pacing: Sendable, Hashable, CustomStringConvertible {
    /// No pacing: the rate is set by parsing, batching and the acknowledgement window.
    case unlimited
    /// At most this many events per second.
    case rate(eventsPerSecond: Double)
    /// The log's own time, sped up: an event written a minute after the first is sent a second after the first
    /// at 60x.
    case speed(factor: Double)

    /// Parses `--rate`: `max`, or events per second as `N`, `N/s`, with an optional `k` or `m` multiplier
    /// (`50000/s`, `50k/s`, `2m`).
    public init?(rate text: String) {
        let lower = text.lowercased()
        if lower == "max" || lower == "unlimited" {
            self = .unlimited
            return
        }
        var body = Substring(lower)
        if body.hasSuffix("/s") { body = body.dropLast(2) }
        var multiplier = 1.0
        if body.hasSuffix("k") {
            multiplier = 1e3
            body = body.dropLast()
        } else if body.hasSuffix("m") {
            multiplier = 1e6
            body = body.dropLast()
        }
        guard let value = Self.positiveNumber(body) else { return nil }
        let rate = value * multiplier
        guard rate <= 1e9 else { return nil }
        self = .rate(eventsPerSecond: rate)
    }

    /// Parses `--speed`: a factor such as `60x`, `60` or `0.5x`.
    public init?(speed text: String) {
        var body = Substring(text.lowercased())
        if body.hasSuffix("x") { body = body.dropLast() }
        guard let factor = Self.positiveNumber(body), factor <= 1e9 else { return nil }
        self = .speed(factor: factor)
    }

    /// A finite number above zero written with digits and at most one point (no signs, exponents or `nan`).
    private static func positiveNumber(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(text), value.isFinite, value > 0
        else { return nil }
        return value
    }

    public var description: String {
        switch self {
        case .unlimited: return "max"
        case .rate(let rate): return "\(Self.trimmed(rate))/s"
        case .speed(let factor): return "\(Self.trimmed(factor))x"
        }
    }

    /// `50000.0` → `50000`, `0.5` → `0.5`.
    private static func trimmed(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
