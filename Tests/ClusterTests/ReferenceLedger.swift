import Foundation

/// An independent re-computation of what the cluster must answer, straight from a JSONL log and the price file
/// with Foundation's JSON parser and plain integer arithmetic; it shares no code with the system under test.
struct ReferenceLedger {
    struct Totals: Equatable {
        var input: UInt64 = 0
        var output: UInt64 = 0
        var cacheWrite: UInt64 = 0
        var cacheRead: UInt64 = 0
        var costNanos: UInt64 = 0
        var tokens: UInt64 { input + output + cacheWrite + cacheRead }

        mutating func add(input: UInt64, output: UInt64, cacheWrite: UInt64, cacheRead: UInt64, rates: [UInt64]?) {
            self.input += input
            self.output += output
            self.cacheWrite += cacheWrite
            self.cacheRead += cacheRead
            if let rates {
                costNanos += input * rates[0] + output * rates[1] + cacheWrite * rates[2] + cacheRead * rates[3]
            }
        }
    }

    var employees: [String: Totals] = [:]
    var models: [String: Totals] = [:]
    var events = 0
    var newestDay = Int.min

    /// Nano-dollars per token for input, output, cache write, cache read, by model name.
    static func loadRates(pricesPath: String) throws -> [String: [UInt64]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: pricesPath))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var rates: [String: [UInt64]] = [:]
        for entry in root["models"] as! [[String: Any]] {
            func nanos(_ key: String) -> UInt64? {
                (entry[key] as? NSNumber).map { UInt64(($0.doubleValue * 1000).rounded()) }
            }
            let input = nanos("input")!
            let anthropic = (entry["provider"] as? String) == "anthropic"
            let row = [
                input, nanos("output")!, nanos("cache_write") ?? (anthropic ? input * 5 / 4 : input),
                nanos("cache_read") ?? (anthropic ? input / 10 : input),
            ]
            for name in entry["models"] as! [String] { rates[name] = row }
        }
        return rates
    }

    /// Sums a log over the window of `windowDays` days ending at the log's newest day.
    init(logPath: String, pricesPath: String, windowDays: Int) throws {
        let rates = try Self.loadRates(pricesPath: pricesPath)
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        var parsed: [(day: Int, employee: String, model: String, counts: [UInt64])] = []
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for line in text.split(separator: "\n") where !line.isEmpty {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let timestamp = object["ts"] as! String
            let date = formatter.date(from: timestamp)!
            let day = Int((date.timeIntervalSince1970 / 86400).rounded(.down))
            func count(_ key: String) -> UInt64 { (object[key] as? NSNumber)?.uint64Value ?? 0 }
            parsed.append(
                (
                    day, object["employee"] as! String, object["model"] as! String,
                    [count("input"), count("output"), count("cache_write"), count("cache_read")]
                )
            )
            newestDay = max(newestDay, day)
        }
        events = parsed.count
        for event in parsed where event.day > newestDay - windowDays {
            let r = rates[event.model]
            let c = event.counts
            employees[event.employee, default: Totals()].add(
                input: c[0],
                output: c[1],
                cacheWrite: c[2],
                cacheRead: c[3],
                rates: r
            )
            models[event.model, default: Totals()].add(
                input: c[0],
                output: c[1],
                cacheWrite: c[2],
                cacheRead: c[3],
                rates: r
            )
        }
    }

    /// The top `k` by total tokens, ties by employee key.
    func top(_ k: Int) -> [(employee: String, totals: Totals)] {
        Array(
            employees.sorted { a, b in
                a.value.tokens != b.value.tokens
                    ? a.value.tokens > b.value.tokens : Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
            }.prefix(k).map { ($0.key, $0.value) }
        )
    }
}

extension ReferenceLedger {
    /// Every way a board (`top --json` entries) differs from the ledger's top of the same length: rank,
    /// employee, tokens, output, cache reads and cost to the nano-dollar. Empty when they agree exactly.
    func differences(from entries: [[String: Any]]) -> [String] {
        let expected = top(entries.count)
        var found: [String] = []
        if expected.count != entries.count {
            found.append("board has \(entries.count) entries, ledger \(expected.count)")
        }
        for (index, (entry, truth)) in zip(entries, expected).enumerated() {
            let usage = entry["usage"] as? [String: Any] ?? [:]
            func number(_ key: String) -> UInt64? { (usage[key] as? NSNumber)?.uint64Value }
            let checks: [(String, Bool)] = [
                ("rank", entry["rank"] as? Int == index + 1),
                ("employee", entry["employee"] as? String == truth.employee),
                ("tokens", number("tokens") == truth.totals.tokens),
                ("output", number("output") == truth.totals.output),
                ("cache_read", number("cache_read") == truth.totals.cacheRead),
                ("cost_nanos", number("cost_nanos") == truth.totals.costNanos),
            ]
            for (field, ok) in checks where !ok {
                found.append("rank \(index + 1) (\(truth.employee)): \(field) differs: \(entry)")
            }
        }
        return found
    }
}
