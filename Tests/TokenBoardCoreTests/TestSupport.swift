import Foundation
import TokenBoardCore
import TokenBoardWorkload

/// Reference implementations, written the slow and obvious way, that the tests compare the real code against.
enum Reference {
    /// Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF).
    static func crc32c(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 {
                c = (c & 1) == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1
            }
        }
        return ~c
    }

    static func crc32c(_ string: String) -> UInt32 { crc32c(Array(string.utf8)) }

    /// Byte-wise comparison of two keys' UTF-8 encodings, written out by hand.
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var i = 0
        while i < x.count && i < y.count {
            if x[i] != y[i] { return x[i] < y[i] }
            i += 1
        }
        return x.count < y.count
    }

    static func score(_ entry: RankedEmployee, _ metric: RankingMetric) -> UInt64 {
        switch metric {
        case .tokens: return entry.counts.input + entry.counts.output + entry.counts.cacheWrite + entry.counts.cacheRead
        case .cost: return entry.cost
        case .output: return entry.counts.output
        }
    }

    /// The board order: score descending, then employee key in byte order.
    static func boardOrder(_ entries: [RankedEmployee], by metric: RankingMetric) -> [RankedEmployee] {
        entries.sorted { a, b in
            let sa = score(a, metric)
            let sb = score(b, metric)
            if sa != sb { return sa > sb }
            return bytesPrecede(a.employee, b.employee)
        }
    }

    static func top(_ entries: [RankedEmployee], k: Int, by metric: RankingMetric) -> [RankedEmployee] {
        Array(boardOrder(entries, by: metric).prefix(max(k, 0)))
    }

    /// Nano-dollars per token of the shipped price book, typed in from the list prices in docs/PRICES.md (USD per million
    /// tokens × 1000), independently of PriceBook's decoder.
    static let shippedRates: [String: (input: UInt64, output: UInt64, cacheWrite: UInt64, cacheRead: UInt64)] = [
        "claude-opus-4-5": (5000, 25000, 6250, 500),
        "claude-sonnet-4-5": (3000, 15000, 3750, 300),
        "claude-haiku-4-5": (1000, 5000, 1250, 100),
        "gpt-5": (1250, 10000, 1250, 125),
        "gemini-2.5-flash": (300, 2500, 300, 30),
        "acme-coder-2": (400, 1600, 400, 40),
    ]

    static func cost(model: String, counts: TokenCounts) -> UInt64? {
        guard let r = shippedRates[model] else { return nil }
        return counts.input * r.input + counts.output * r.output + counts.cacheWrite * r.cacheWrite
            + counts.cacheRead * r.cacheRead
    }
}

/// A raw event of a randomized test, with its day kept as generated so the reference never derives it.
struct RawEvent {
    var employee: String
    var model: String
    var tool: String
    var dayNumber: Int32
    var counts: TokenCounts

    var usageEvent: UsageEvent {
        UsageEvent(
            timestampMillis: Int64(dayNumber) * 86_400_000 + Int64(counts.input % 86_400_000),
            employee: employee,
            model: model,
            tool: tool,
            session: "s-\(employee)",
            counts: counts
        )
    }
}

/// Brute force: every employee's sums over the days in `days`, straight from the raw events.
func referenceRanking(_ events: [RawEvent], days: ClosedRange<Int32>?) -> [RankedEmployee] {
    var byEmployee: [String: RankedEmployee] = [:]
    var order: [String] = []
    for event in events where days?.contains(event.dayNumber) ?? true {
        if byEmployee[event.employee] == nil {
            byEmployee[event.employee] = RankedEmployee(employee: event.employee, counts: .zero, cost: 0)
            order.append(event.employee)
        }
        var entry = byEmployee[event.employee]!
        entry.counts.input += event.counts.input
        entry.counts.output += event.counts.output
        entry.counts.cacheWrite += event.counts.cacheWrite
        entry.counts.cacheRead += event.counts.cacheRead
        if let cost = Reference.cost(model: event.model, counts: event.counts) {
            entry.cost += cost
        } else {
            entry.unpricedTokens +=
                event.counts.input + event.counts.output + event.counts.cacheWrite + event.counts.cacheRead
        }
        byEmployee[event.employee] = entry
    }
    return order.map { byEmployee[$0]! }
}

/// Random events over `employees` keys, `dayCount` days from `firstDay`, with small counts so scores tie often.
func randomEvents(
    count: Int,
    employees: [String],
    models: [String],
    tools: [String],
    firstDay: Int32,
    dayCount: Int32,
    using rng: inout SplitMix64
) -> [RawEvent] {
    // Mostly a few fixed shapes, so that employees with the same model and shape tie on every metric.
    let shapes = [
        TokenCounts(input: 100),
        TokenCounts(output: 10),
        TokenCounts(cacheRead: 1000),
        TokenCounts(input: 10, output: 10, cacheWrite: 10, cacheRead: 10),
    ]
    return (0..<count).map { _ in
        let scale: [UInt64] = [0, 1, 10, 100]
        func small() -> UInt64 { UInt64.random(in: 0...4, using: &rng) * scale.randomElement(using: &rng)! }
        let shape = Int.random(in: 0...4, using: &rng)
        return RawEvent(
            employee: employees.randomElement(using: &rng)!,
            model: models.randomElement(using: &rng)!,
            tool: tools.randomElement(using: &rng)!,
            dayNumber: firstDay + Int32.random(in: 0..<dayCount, using: &rng),
            counts: shape < shapes.count
                ? shapes[shape] : TokenCounts(input: small(), output: small(), cacheWrite: small(), cacheRead: small())
        )
    }
}

/// Employee keys for randomized tests: plain names, emails, mixed case and non-ASCII, so that byte order matters.
func employeeKeys(_ count: Int) -> [String] {
    let stems = ["alice", "Bob", "carol@example.com", "dave.o'neil", "émile", "zoë", "ZZ", "a", "ab", "Ω-omega"]
    return (0..<count).map { i in i < stems.count ? stems[i] : "emp-\(i)" }
}

/// Applies events to a store in batches of pseudo-random size.
func ingest(_ events: [RawEvent], into store: inout ShardStore, using rng: inout SplitMix64) throws {
    var builder = EventBatchBuilder()
    var target = Int.random(in: 1...100, using: &rng)
    for event in events {
        guard builder.append(event.usageEvent) else { throw BuilderRefused() }
        if builder.count >= target {
            try store.apply(builder.take())
            target = Int.random(in: 1...100, using: &rng)
        }
    }
    if builder.count > 0 { try store.apply(builder.take()) }
}

struct BuilderRefused: Error {}

/// The repository's root folder, found from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TokenBoardCoreTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

func shippedPriceBookPath() -> String {
    repositoryRoot.appendingPathComponent("cluster/prices.json").path
}
