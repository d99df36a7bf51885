import Foundation

/// Per-token list prices of one model in nano-dollars (1e-9 USD). A price of P USD per million tokens is P × 1000
/// nano-dollars per token, so every price with at most three decimals is an exact integer and every cost is an
/// exact integer sum; nothing is ever rounded.
public struct Rates: Sendable, Hashable, Codable {
    public var input: UInt64
    public var output: UInt64
    public var cacheWrite: UInt64
    public var cacheRead: UInt64

    public init(input: UInt64, output: UInt64, cacheWrite: UInt64, cacheRead: UInt64) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }

    /// The cost of `counts` in nano-dollars.
    @inlinable public func cost(of counts: TokenCounts) -> UInt64 {
        counts.input.saturatingMultiply(input)
            .saturatingAdd(counts.output.saturatingMultiply(output))
            .saturatingAdd(counts.cacheWrite.saturatingMultiply(cacheWrite))
            .saturatingAdd(counts.cacheRead.saturatingMultiply(cacheRead))
    }
}

/// A model's entry in the price book.
public struct PricedModel: Sendable, Hashable {
    public var model: String
    public var provider: String
    public var rates: Rates

    public init(model: String, provider: String, rates: Rates) {
        self.model = model
        self.provider = provider
        self.rates = rates
    }
}

/// List prices per model, loaded from `cluster/prices.json`. Long-context price tiers (Claude Sonnet and Gemini
/// 2.5 Pro above 200k prompt tokens) are not modelled: every request is billed at the base tier.
public struct PriceBook: Sendable {
    public private(set) var models: [String: PricedModel]
    /// What the file says about itself (source, date, caveats).
    public var note: String

    public init(models: [PricedModel], note: String = "") {
        var byName: [String: PricedModel] = [:]
        for entry in models { byName[entry.model] = entry }
        self.models = byName
        self.note = note
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads a price book file.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "cannot read price book \(path): \(error.localizedDescription)")
        }
        try self.init(json: data, source: path)
    }

    /// Parses the price book format (see docs/PRICES.md).
    public init(json: Data, source: String = "price book") throws {
        let file: PriceFile
        do {
            file = try JSONDecoder().decode(PriceFile.self, from: json)
        } catch {
            throw LoadError(description: "\(source) is not a valid price book: \(error)")
        }
        var entries: [PricedModel] = []
        for (index, entry) in file.models.enumerated() {
            let place = "\(source): models[\(index)]"
            guard !entry.names.isEmpty else { throw LoadError(description: "\(place) names no model") }
            let input = try Self.nanosPerToken(entry.input, "\(place).input")
            let output = try Self.nanosPerToken(entry.output, "\(place).output")
            // Anthropic's convention where a model lists no cache prices: write 1.25 × input, read 0.1 × input.
            // Other providers that have no cache writes bill them (should any appear) at the input rate.
            let isAnthropic = entry.provider == "anthropic"
            let cacheWrite =
                try entry.cacheWrite.map { try Self.nanosPerToken($0, "\(place).cache_write") }
                ?? (isAnthropic ? input * 5 / 4 : input)
            let cacheRead =
                try entry.cacheRead.map { try Self.nanosPerToken($0, "\(place).cache_read") }
                ?? (isAnthropic ? input / 10 : input)
            let rates = Rates(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
            for name in entry.names {
                entries.append(PricedModel(model: name, provider: entry.provider, rates: rates))
            }
        }
        self.init(models: entries, note: file.note ?? "")
    }

    /// The entry for a model: an exact match first, then the name without a `provider/` prefix, then also without a
    /// trailing `-YYYYMMDD` release date. Nil means unpriced.
    public func entry(for model: String) -> PricedModel? {
        if let exact = models[model] { return exact }
        var name = Substring(model)
        if let slash = name.lastIndex(of: "/") {
            name = name[name.index(after: slash)...]
            if let found = models[String(name)] { return found }
        }
        let utf8 = Array(name.utf8)
        if utf8.count > 9, utf8[utf8.count - 9] == UInt8(ascii: "-"),
            utf8[(utf8.count - 8)...].allSatisfy({ $0 >= 48 && $0 <= 57 })
        {
            let stripped = String(decoding: utf8[..<(utf8.count - 9)], as: UTF8.self)
            if let found = models[stripped] { return found }
        }
        return nil
    }

    /// The provider to report for a model: its price book provider, or "unknown" when unpriced.
    public func provider(for model: String) -> String {
        entry(for: model)?.provider ?? "unknown"
    }

    static func nanosPerToken(_ usdPerMillion: Double, _ place: String) throws -> UInt64 {
        guard usdPerMillion.isFinite, usdPerMillion >= 0, usdPerMillion <= 1_000_000 else {
            throw LoadError(description: "\(place) must be a price between 0 and 1,000,000 USD per million tokens")
        }
        let nanos = (usdPerMillion * 1000).rounded()
        guard abs(nanos - usdPerMillion * 1000) < 1e-6 else {
            throw LoadError(
                description:
                    "\(place) = \(usdPerMillion) has more than three decimals; prices must be whole nano-dollars per token"
            )
        }
        return UInt64(nanos)
    }
}

private struct PriceFile: Decodable {
    var note: String?
    var models: [Entry]

    struct Entry: Decodable {
        var names: [String]
        var provider: String
        var input: Double
        var output: Double
        var cacheWrite: Double?
        var cacheRead: Double?

        enum CodingKeys: String, CodingKey {
            case names = "models"
            case provider, input, output
            case cacheWrite = "cache_write"
            case cacheRead = "cache_read"
        }
    }
}
