/// A span of whole UTC days ending at (and including) a reference day, or all time.
public enum Window: Sendable, Hashable, CustomStringConvertible {
    case days(Int)
    case allTime

    /// The longest day window accepted: ten years.
    public static let maxDays = 3660

    /// Parses `1d`, `7d`, `30d` (any `Nd` up to ten years) or `all`.
    public init?(_ text: String) {
        let lower = text.lowercased()
        if lower == "all" || lower == "all-time" || lower == "alltime" {
            self = .allTime
            return
        }
        guard lower.hasSuffix("d"), lower.first?.isASCII == true, lower.first?.isNumber == true,
            let n = Int(lower.dropLast()), n >= 1, n <= Window.maxDays
        else { return nil }
        self = .days(n)
    }

    public var description: String {
        switch self {
        case .days(let n): return "\(n)d"
        case .allTime: return "all"
        }
    }

    /// The days the window covers when anchored at `anchor`.
    public func range(anchor: Day) -> ClosedRange<Day> {
        switch self {
        case .days(let n): return anchor.adding(days: -(n - 1))...anchor
        case .allTime: return Day(number: .min)...Day(number: .max)
        }
    }

    /// Wire form: the number of days, 0 for all time.
    public var wireDays: UInt32 {
        switch self {
        case .days(let n): return UInt32(n)
        case .allTime: return 0
        }
    }

    /// Inverse of `wireDays`; nil for an out-of-range count.
    public init?(wireDays: UInt32) {
        if wireDays == 0 {
            self = .allTime
        } else if wireDays <= UInt32(Window.maxDays) {
            self = .days(Int(wireDays))
        } else {
            return nil
        }
    }
}
