import Foundation
import TokenBoardCore
import XCTest

/// A fresh temporary folder per test, removed afterwards.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "tokenboard-workload-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` as a file and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// List prices from docs PRICES.md, typed in by hand in USD per million tokens and, separately, in nano-dollars
/// per token, so that costs in the tests are computed independently of `PriceBook`'s conversion.
enum TestPrices {
    static let json = """
        {"note": "test prices",
         "models": [
          {"models": ["claude-opus-4-5", "claude-opus-4-6"], "provider": "anthropic",
           "input": 5, "output": 25, "cache_write": 6.25, "cache_read": 0.5},
          {"models": ["claude-opus-4-1"], "provider": "anthropic",
           "input": 15, "output": 75, "cache_write": 18.75, "cache_read": 1.5},
          {"models": ["claude-sonnet-4-5", "claude-sonnet-4-6", "claude-sonnet-4-20250514"], "provider": "anthropic",
           "input": 3, "output": 15, "cache_write": 3.75, "cache_read": 0.3},
          {"models": ["claude-haiku-4-5"], "provider": "anthropic", "input": 1, "output": 5},
          {"models": ["gpt-4o"], "provider": "openai", "input": 2.5, "output": 10, "cache_read": 1.25},
          {"models": ["gpt-4.1"], "provider": "openai", "input": 2, "output": 8, "cache_read": 0.5},
          {"models": ["gpt-5", "gpt-5.1"], "provider": "openai", "input": 1.25, "output": 10, "cache_read": 0.125},
          {"models": ["gemini-2.5-pro"], "provider": "google", "input": 1.25, "output": 10, "cache_read": 0.125},
          {"models": ["gemini-2.5-flash"], "provider": "google", "input": 0.3, "output": 2.5, "cache_read": 0.03},
          {"models": ["acme-coder-2"], "provider": "acme", "input": 0.5, "output": 2, "cache_write": 0.5,
           "cache_read": 0.05}
         ]}
        """

    static func book() throws -> PriceBook { try PriceBook(json: Data(json.utf8)) }

    /// Nano-dollars per token: input, output, cache write, cache read. Haiku lists no cache prices, so
    /// Anthropic's convention applies (write 1.25 × input, read 0.1 × input); OpenAI and Google have no cache
    /// writes and the price book bills any at the input rate.
    static let nanos: [String: (UInt64, UInt64, UInt64, UInt64)] = [
        "claude-opus-4-5": (5000, 25000, 6250, 500),
        "claude-opus-4-6": (5000, 25000, 6250, 500),
        "claude-opus-4-1": (15000, 75000, 18750, 1500),
        "claude-sonnet-4-5": (3000, 15000, 3750, 300),
        "claude-sonnet-4-6": (3000, 15000, 3750, 300),
        "claude-sonnet-4-20250514": (3000, 15000, 3750, 300),
        "claude-haiku-4-5": (1000, 5000, 1250, 100),
        "gpt-4o": (2500, 10000, 2500, 1250),
        "gpt-4.1": (2000, 8000, 2000, 500),
        "gpt-5": (1250, 10000, 1250, 125),
        "gpt-5.1": (1250, 10000, 1250, 125),
        "gemini-2.5-pro": (1250, 10000, 1250, 125),
        "gemini-2.5-flash": (300, 2500, 300, 30),
        "acme-coder-2": (500, 2000, 500, 50),
    ]

    /// The cost of one event by the hand-entered rates; nil for a model not listed.
    static func cost(_ model: String, _ counts: TokenCounts) -> UInt64? {
        guard let r = nanos[model] else { return nil }
        return counts.input * r.0 + counts.output * r.1 + counts.cacheWrite * r.2 + counts.cacheRead * r.3
    }
}

/// Epoch milliseconds of a UTC instant, computed from the civil date by counting days, independently of the code
/// under test.
func utcMillis(
    _ year: Int,
    _ month: Int,
    _ day: Int,
    _ hour: Int = 0,
    _ minute: Int = 0,
    _ second: Int = 0,
    _ ms: Int = 0
)
    -> Int64
{
    var days = 0
    for y in 1970..<year { days += (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365 }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for m in 0..<(month - 1) { days += monthDays[m] }
    days += day - 1
    return Int64(days) * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64(second) * 1000
        + Int64(ms)
}
