import TokenBoardCore

/// What the workload generator produces: how many employees, days, tokens and events, and the mix of models and
/// tools. The defaults are the company the board was built for: 85,000 people, 60 trillion tokens in 30 days, the
/// top user at 281 billion.
public struct WorkloadConfig: Sendable, Hashable, Codable {
    /// A name and its relative weight in a mix.
    public struct Share: Sendable, Hashable, Codable {
        public var name: String
        /// Relative to the other entries of the same mix; need not sum to anything.
        public var weight: Double

        /// An entry of a mix.
        public init(_ name: String, _ weight: Double) {
            self.name = name
            self.weight = weight
        }
    }

    /// Why a configuration cannot be generated.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, naming the setting.
        public var description: String

        /// An error saying `description`.
        public init(_ description: String) { self.description = description }
    }

    /// How many employees have usage; each gets at least one event.
    public var employees: Int
    /// How many consecutive UTC days the log spans.
    public var days: Int
    /// The first UTC day of the log.
    public var startDay: Day
    /// The exact sum of every token of every event.
    public var totalTokens: UInt64
    /// The exact total of the heaviest employee.
    public var topTokens: UInt64
    /// The exact number of events; at least `employees`, since everyone gets one.
    public var events: Int
    /// Everything random follows from it: the same seed gives the same log.
    public var seed: UInt64
    /// The company's model mix, weighted by events. Models under `occasionalShare` of the total weight are never
    /// anyone's preferred model and only turn up in single requests (an in-house model being trialled, one
    /// missing from every price book).
    public var models: [Share]
    /// The tool mix, weighted by employees who prefer each tool.
    public var tools: [Share]
    /// The fraction of an employee's events on their preferred model; the rest follow the company mix.
    public var preferredModelShare: Double
    /// The fraction of an employee's events made with their preferred tool.
    public var preferredToolShare: Double

    /// A model with less than this fraction of the total model weight is occasional (see `models`).
    public static let occasionalShare = 0.01

    /// Claude dominates, then OpenAI and Google; half a percent on the in-house `acme-coder-2` and a tenth of a
    /// percent on `acme-experimental-7b`, which no price book lists, so unpriced usage always shows up.
    public static let defaultModels: [Share] = [
        Share("claude-sonnet-4-5", 27),
        Share("claude-opus-4-5", 12),
        Share("claude-sonnet-4-6", 10),
        Share("claude-haiku-4-5", 10),
        Share("claude-opus-4-6", 6),
        Share("claude-opus-4-1", 2),
        Share("claude-sonnet-4-20250514", 1),
        Share("gpt-5", 9),
        Share("gpt-5.1", 4),
        Share("gpt-4.1", 4),
        Share("gpt-4o", 3),
        Share("gemini-2.5-pro", 6),
        Share("gemini-2.5-flash", 5.4),
        Share("acme-coder-2", 0.5),
        Share("acme-experimental-7b", 0.1),
    ]

    /// The tools employees prefer, weighted by how many prefer each.
    public static let defaultTools: [Share] = [
        Share("claude-code", 45),
        Share("cursor", 25),
        Share("codex-cli", 12),
        Share("gemini-cli", 8),
        Share("acme-agent", 10),
    ]

    /// A configuration; every setting defaults to the reported company month.
    public init(
        employees: Int = 85_000,
        days: Int = 30,
        startDay: Day = Day(year: 2026, month: 10, day: 1),
        totalTokens: UInt64 = 60_000_000_000_000,
        topTokens: UInt64 = 281_000_000_000,
        events: Int = 3_000_000,
        seed: UInt64 = 42,
        models: [Share] = Self.defaultModels,
        tools: [Share] = Self.defaultTools,
        preferredModelShare: Double = 0.7,
        preferredToolShare: Double = 0.85
    ) {
        self.employees = employees
        self.days = days
        self.startDay = startDay
        self.totalTokens = totalTokens
        self.topTokens = topTokens
        self.events = events
        self.seed = seed
        self.models = models
        self.tools = tools
        self.preferredModelShare = preferredModelShare
        self.preferredToolShare = preferredToolShare
    }

    /// Checks that the numbers can all be met exactly.
    public func validate() throws(Invalid) {
        guard employees >= 1, employees <= 100_000_000 else {
            throw Invalid("employees must be between 1 and 100,000,000")
        }
        guard days >= 1, days <= Window.maxDays else { throw Invalid("days must be between 1 and \(Window.maxDays)") }
        guard events >= employees else {
            throw Invalid("events (\(events)) must be at least employees (\(employees)): everyone gets one")
        }
        // Per-employee and per-day event counts are kept in 32 bits.
        guard events <= 4_000_000_000 else { throw Invalid("events must be at most 4,000,000,000") }
        guard topTokens <= totalTokens else { throw Invalid("top_tokens must not exceed total_tokens") }
        guard totalTokens <= 1 << 62 else { throw Invalid("total_tokens must be at most 2^62") }
        // The top employee must hold at least the average, or someone else would have to outrank them.
        let (high, low) = topTokens.multipliedFullWidth(by: UInt64(employees))
        guard high > 0 || low >= totalTokens else {
            throw Invalid(
                "top_tokens × employees must be at least total_tokens: the top employee holds at least the average"
            )
        }
        guard employees > 1 || topTokens == totalTokens else {
            throw Invalid("with one employee, top_tokens must equal total_tokens")
        }
        // Then no event, which never holds more than its employee's total, can exceed the per-event limit.
        guard topTokens <= TokenCounts.maxPerEvent else {
            throw Invalid("top_tokens must be at most \(TokenCounts.maxPerEvent), the most one event may carry")
        }
        try Self.check(models, "models")
        try Self.check(tools, "tools")
        guard models.contains(where: { $0.weight >= Self.occasionalShare * models.reduce(0) { $0 + $1.weight } })
        else { throw Invalid("at least one model needs \(Self.occasionalShare * 100)% of the model weight") }
        guard (0...1).contains(preferredModelShare), (0...1).contains(preferredToolShare) else {
            throw Invalid("preferred_model_share and preferred_tool_share must be between 0 and 1")
        }
        let lastDay = Int64(startDay.number) + Int64(days) - 1
        guard startDay.number >= 0, lastDay <= RFC3339.lastFourDigitDay else {
            throw Invalid("the days must fall between 1970-01-01 and 9999-12-31")
        }
    }

    private static func check(_ mix: [Share], _ name: String) throws(Invalid) {
        guard !mix.isEmpty, mix.count <= 1000 else { throw Invalid("\(name) must list between 1 and 1000 entries") }
        var seen = Set<String>()
        for share in mix {
            guard !share.name.isEmpty, share.weight.isFinite, share.weight > 0 else {
                throw Invalid("every entry of \(name) needs a name and a positive weight")
            }
            guard seen.insert(share.name).inserted else { throw Invalid("\(name) lists \(share.name) twice") }
        }
    }

    enum CodingKeys: String, CodingKey {
        case employees, days, events, seed, models, tools
        case startDay = "start_day"
        case totalTokens = "total_tokens"
        case topTokens = "top_tokens"
        case preferredModelShare = "preferred_model_share"
        case preferredToolShare = "preferred_tool_share"
    }

    /// Decodes a configuration; absent keys take their defaults, and `start_day` is `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = WorkloadConfig()
        employees = try c.decodeIfPresent(Int.self, forKey: .employees) ?? defaults.employees
        days = try c.decodeIfPresent(Int.self, forKey: .days) ?? defaults.days
        if let text = try c.decodeIfPresent(String.self, forKey: .startDay) {
            guard let day = Day(iso: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .startDay,
                    in: c,
                    debugDescription: "start_day must be YYYY-MM-DD"
                )
            }
            startDay = day
        } else {
            startDay = defaults.startDay
        }
        totalTokens = try c.decodeIfPresent(UInt64.self, forKey: .totalTokens) ?? defaults.totalTokens
        topTokens = try c.decodeIfPresent(UInt64.self, forKey: .topTokens) ?? defaults.topTokens
        events = try c.decodeIfPresent(Int.self, forKey: .events) ?? defaults.events
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        models = try c.decodeIfPresent([Share].self, forKey: .models) ?? defaults.models
        tools = try c.decodeIfPresent([Share].self, forKey: .tools) ?? defaults.tools
        preferredModelShare =
            try c.decodeIfPresent(Double.self, forKey: .preferredModelShare) ?? defaults.preferredModelShare
        preferredToolShare =
            try c.decodeIfPresent(Double.self, forKey: .preferredToolShare) ?? defaults.preferredToolShare
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(employees, forKey: .employees)
        try c.encode(days, forKey: .days)
        try c.encode(startDay.description, forKey: .startDay)
        try c.encode(totalTokens, forKey: .totalTokens)
        try c.encode(topTokens, forKey: .topTokens)
        try c.encode(events, forKey: .events)
        try c.encode(seed, forKey: .seed)
        try c.encode(models, forKey: .models)
        try c.encode(tools, forKey: .tools)
        try c.encode(preferredModelShare, forKey: .preferredModelShare)
        try c.encode(preferredToolShare, forKey: .preferredToolShare)
    }
}
