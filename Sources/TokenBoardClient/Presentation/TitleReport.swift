import TokenBoardCore
import TokenBoardWire

/// Who holds each title: `tokenboard titles`.
public struct TitleReport: Codable, Sendable, Hashable {
    public struct Holder: Codable, Sendable, Hashable {
        public var title: String
        public var employee: String
        /// What the title was won on, in words (`12h 03m session`, `9 models`, `97.21% cache reads`).
        public var claim: String
        /// The raw figures: tokens, session ms, distinct models, or cache-read tokens.
        public var value: UInt64
        /// Session start (Unix ms) or the employee's tokens in the window; 0 for Token Legend.
        public var base: UInt64
    }

    public var window: String
    public var anchor: String?
    public var shards: CoverageReport
    public var holders: [Holder]
    /// Titles nobody qualifies for in the window.
    public var vacant: [String]
    public var minTokensPerModel: UInt64
    public var cacheWizardMinTokens: UInt64

    enum CodingKeys: String, CodingKey {
        case window, anchor, shards, holders, vacant
        case minTokensPerModel = "model_connoisseur_min_tokens_per_model"
        case cacheWizardMinTokens = "cache_wizard_min_tokens"
    }

    public init(reply: TitlesReply, window: Window) {
        self.window = window.description
        anchor = reply.anchor?.description
        shards = CoverageReport(reply.coverage)
        minTokensPerModel = reply.rules.minTokensPerModel
        cacheWizardMinTokens = reply.rules.cacheWizardMinTokens
        holders = reply.holders.map { holder in
            let claim: String
            switch holder.title {
            case .tokenLegend: claim = "\(Formatting.grouped(holder.value)) tokens"
            case .sessionImmortal:
                claim = "one session of \(Formatting.duration(seconds: Int64(clamping: holder.value / 1000)))"
            case .modelConnoisseur:
                claim =
                    "\(holder.value) models with at least \(Formatting.grouped(reply.rules.minTokensPerModel)) tokens each"
            case .cacheWizard:
                claim =
                    "\(Formatting.percent(holder.value, of: holder.base)) of \(Formatting.grouped(holder.base)) tokens read from cache"
            }
            return Holder(
                title: holder.title.description,
                employee: holder.employee,
                claim: claim,
                value: holder.value,
                base: holder.base
            )
        }
        let held = Set(reply.holders.map(\.title))
        vacant = Title.allCases.filter { !held.contains($0) }.map(\.description)
    }

    public func render() -> String {
        var out = "Titles, window \(window)"
        out += anchor.map { " ending \($0)" } ?? " (no data yet)"
        out += " — \(shards.line)\n"
        var table = TextTable(headers: ["title", "holder", "won on"], rightAligned: [])
        for holder in holders { table.add([holder.title, holder.employee, holder.claim]) }
        for title in vacant { table.add([title, "-", "nobody qualifies"]) }
        return out + table.render()
    }
}
