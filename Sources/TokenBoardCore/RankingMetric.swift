/// What the board ranks by.
public enum RankingMetric: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// All tokens of every kind (the default).
    case tokens = 0
    /// List-price cost in nano-dollars.
    case cost = 1
    /// Output tokens only.
    case output = 2

    public init?(name: String) {
        switch name.lowercased() {
        case "tokens": self = .tokens
        case "cost": self = .cost
        case "output": self = .output
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .tokens: return "tokens"
        case .cost: return "cost"
        case .output: return "output"
        }
    }
}
