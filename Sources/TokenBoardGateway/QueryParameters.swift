import TokenBoardClient
import TokenBoardCore

/// A request's query parameters, checked the way the CLI checks its options (same names with `_`, same
/// defaults, same messages); unknown parameters are refused so a typo is not silently ignored.
struct QueryParameters {
    private let values: [String: String]

    init(_ values: [String: String], allowed: Set<String>) throws(APIError) {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .badRequest(
                "unknown query parameter '\(unknown)' (accepted: \(allowed.sorted().joined(separator: ", ")))"
            )
        }
        self.values = values
    }

    /// `window`: `1d`, `7d`, `30d` (default), any `Nd`, or `all`.
    func window() throws(APIError) -> Window {
        let text = values["window"] ?? "30d"
        guard let window = Window(text) else {
            throw .badRequest("window must be like 1d, 7d, 30d or all; got '\(text)'")
        }
        return window
    }

    /// `as_of`: the window's last day, `YYYY-MM-DD`; default the newest day the cluster has seen.
    func anchor() throws(APIError) -> Day? {
        guard let text = values["as_of"] else { return nil }
        guard let day = Day(iso: text) else { throw .badRequest("as_of must be a date YYYY-MM-DD; got '\(text)'") }
        return day
    }

    /// `by` for rankings: `tokens` (default), `cost` or `output`.
    func metric() throws(APIError) -> RankingMetric {
        let text = values["by"] ?? "tokens"
        guard let metric = RankingMetric(name: text) else {
            throw .badRequest("by must be tokens, cost or output; got '\(text)'")
        }
        return metric
    }

    /// `by` for spend: `model` (default) or `provider`.
    func grouping() throws(APIError) -> SpendReport.Grouping {
        let text = values["by"] ?? "model"
        guard let grouping = SpendReport.Grouping(rawValue: text) else {
            throw .badRequest("by must be model or provider; got '\(text)'")
        }
        return grouping
    }

    /// `group` for the board's groups: `team` (default) or `org`.
    func group() throws(APIError) -> Grouping {
        switch values["group"] ?? "team" {
        case "team": return .team
        case "org": return .org
        case let text: throw .badRequest("group must be team or org; got '\(text)'")
        }
    }

    /// `k`: how many employees, default 250 (the coordinator enforces its maximum).
    func k() throws(APIError) -> UInt32 {
        let text = values["k"] ?? "250"
        guard let k = UInt32(text), k >= 1 else { throw .badRequest("k must be a positive integer; got '\(text)'") }
        return k
    }

    /// `allow_partial`: `true`/`1` (or present without a value) to accept an answer missing some shards.
    func allowPartial() throws(APIError) -> Bool { try flag("allow_partial") }

    /// `adjusted`: rank with the usage the gaming signals flag left out.
    func adjusted() throws(APIError) -> Bool { try flag("adjusted") }

    /// A boolean parameter: absent is false; empty, `1` or `true` is true; `0` or `false` is false.
    func flag(_ name: String) throws(APIError) -> Bool {
        guard let text = values[name] else { return false }
        switch text {
        case "", "1", "true": return true
        case "0", "false": return false
        default: throw .badRequest("\(name) must be true or false; got '\(text)'")
        }
    }
}
