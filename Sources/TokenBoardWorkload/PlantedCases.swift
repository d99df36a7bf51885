import TokenBoardCore

/// Employees with known behaviour planted into a generated log (`tokenboard gen --plant-cases`), so tests can
/// assert exactly who holds each title, who is flagged for gaming and which team is over budget. All but the
/// night owl act on the log's last day:
///
/// - `planted-idle-agent`: one agent session looping for 20 hours, 02:00 to 22:00 UTC, a request every 60 s
///   exactly (1,201 requests) of 1,500 input, 4 output and 30,000 cache-read tokens — Session Immortal, and
///   the idle-agent gaming signal.
/// - `planted-night-owl`: one request at the top of every UTC hour of the log's last three days (72 requests
///   of 3,000 input and 1,000 output tokens, a new session each time) — the around-the-clock signal.
/// - `planted-connoisseur`: 9 models, 2,100,000 tokens on each — Model Connoisseur.
/// - `planted-cache-heavy`: 10 requests of 1,000,000 input, 100,000 output and 49,000,000 cache-read tokens
///   (97.8% cache reads of 501,000,000) — Cache Wizard.
/// - `planted-spender-1` and `-2`, team `planted-overspend`: 5 requests each of 20,000,000 output tokens on the
///   most expensive model by output price — a team over any budget below their list-price cost.
///
/// `directoryCSV` lists them in teams (`planted-agents`, `planted-overspend`); everyone else is unassigned.
public struct PlantedCases: Sendable {
    public static let idleAgent = "planted-idle-agent"
    public static let connoisseur = "planted-connoisseur"
    public static let cacheHeavy = "planted-cache-heavy"
    public static let nightOwl = "planted-night-owl"
    public static let spenders = ["planted-spender-1", "planted-spender-2"]
    public static let overspendTeam = "planted-overspend"
    /// How many models the connoisseur uses.
    public static let connoisseurModels = 9

    /// Every planted event, in time order.
    public let events: [UsageEvent]
    private var next = 0

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The cases for a log ending on `lastDay`, with models from `priceBook` (which needs at least nine).
    public init(lastDay: Day, priceBook: PriceBook) throws(Unavailable) {
        let models = priceBook.models.keys.sorted()
        guard models.count >= Self.connoisseurModels else {
            throw Unavailable(
                description: "planting cases needs a price book of at least \(Self.connoisseurModels) models"
            )
        }
        let expensive = priceBook.models.values.max {
            ($0.rates.output, $1.model) < ($1.rates.output, $0.model)
        }!.model
        let start = lastDay.startMillis
        let hour: Int64 = 3_600_000
        var events: [UsageEvent] = []
        var serial = 0
        func add(_ employee: String, _ model: String, at millis: Int64, session: String, _ c: [UInt64]) {
            serial += 1
            events.append(
                UsageEvent(
                    id: ASCII.label("planted-", serial, width: 5),
                    timestampMillis: millis,
                    employee: employee,
                    model: model,
                    tool: "claude-code",
                    session: session,
                    counts: TokenCounts(input: c[0], output: c[1], cacheWrite: c[2], cacheRead: c[3])
                )
            )
        }
        for minute in 0...1200 {
            add(
                Self.idleAgent,
                "claude-sonnet-4-5",
                at: start + 2 * hour + Int64(minute) * 60_000,
                session: "planted-idle-loop",
                [1_500, 4, 0, 30_000]
            )
        }
        for (index, model) in models.prefix(Self.connoisseurModels).enumerated() {
            add(
                Self.connoisseur,
                model,
                at: start + 10 * hour + Int64(index) * 60_000,
                session: "planted-tasting",
                [2_000_000, 100_000, 0, 0]
            )
        }
        for request in 0..<10 {
            add(
                Self.cacheHeavy,
                "claude-sonnet-4-5",
                at: start + 11 * hour + Int64(request) * 60_000,
                session: "planted-cache",
                [1_000_000, 100_000, 0, 49_000_000]
            )
        }
        for day in -2...0 {
            for h in 0..<24 {
                add(
                    Self.nightOwl,
                    "claude-haiku-4-5",
                    at: start + Int64(day * 24 + h) * hour,
                    session: "planted-owl-\(day + 2)-\(h)",
                    [3_000, 1_000, 0, 0]
                )
            }
        }
        for (index, spender) in Self.spenders.enumerated() {
            for request in 0..<5 {
                add(
                    spender,
                    expensive,
                    at: start + 12 * hour + Int64(index * 5 + request) * 60_000,
                    session: "planted-spend-\(index)",
                    [0, 20_000_000, 0, 0]
                )
            }
        }
        self.events = events.sorted { $0.timestampMillis < $1.timestampMillis }
    }

    /// A directory (docs/BOARD.md) placing the planted employees in teams.
    public static var directoryCSV: String {
        var text = "employee,team,org,manager\n"
        for name in [idleAgent, connoisseur, cacheHeavy] { text += "\(name),planted-agents,planted,planted-lead\n" }
        for name in spenders { text += "\(name),\(overspendTeam),planted,planted-lead\n" }
        return text
    }

    /// The planted events not yet taken that happen at or before `millis`, in time order: called before each
    /// generated event is written, and with `.max` at the end, it interleaves the planted events into the log.
    public mutating func take(through millis: Int64) -> ArraySlice<UsageEvent> {
        let first = next
        while next < events.count && events[next].timestampMillis <= millis { next += 1 }
        return events[first..<next]
    }
}
