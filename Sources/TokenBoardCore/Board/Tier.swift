/// A board tier, lowest first: the order is the tiers' rank, so `emerald > bronze`.
public enum Tier: UInt8, Sendable, Hashable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    case bronze = 0
    case silver = 1
    case gold = 2
    case platinum = 3
    case emerald = 4

    public init?(name: String) {
        guard let tier = Tier.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = tier
    }

    public var description: String {
        switch self {
        case .bronze: return "bronze"
        case .silver: return "silver"
        case .gold: return "gold"
        case .platinum: return "platinum"
        case .emerald: return "emerald"
        }
    }

    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
}
