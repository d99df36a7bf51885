import Foundation

/// One benchmark figure as `scripts/bench` collects it: a JSON object on standard output.
public struct Measurement: Codable, Sendable, Hashable {
    public var name: String
    public var value: Double
    public var unit: String
    public var detail: String

    public init(name: String, value: Double, unit: String, detail: String = "") {
        self.name = name
        self.value = value
        self.unit = unit
        self.detail = detail
    }

    /// The measurement as one line of JSON.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// Percentiles of a set of latency samples (nearest-rank).
public struct LatencySummary: Sendable, Hashable {
    public var count: Int
    public var p50: Duration
    public var p90: Duration
    public var p99: Duration
    public var max: Duration

    public init(samples: [Duration]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Duration {
            guard !sorted.isEmpty else { return .zero }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = sorted.last ?? .zero
    }
}

extension Duration {
    /// Milliseconds as a Double.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) * 1e-15
    }
}
