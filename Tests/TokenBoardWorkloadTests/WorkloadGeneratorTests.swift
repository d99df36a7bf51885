import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

final class WorkloadGeneratorTests: XCTestCase {
    private let small = WorkloadConfig(
        employees: 2000,
        days: 30,
        startDay: Day(year: 2026, month: 10, day: 1),
        totalTokens: 10_000_000_000,
        topTokens: 300_000_000,
        events: 20_000,
        seed: 42
    )

    private func generate(_ config: WorkloadConfig) throws -> (events: [UsageEvent], manifest: Manifest) {
        var events: [UsageEvent] = []
        var reported: [Int] = []
        let manifest = try WorkloadGenerator(config: config).generate(
            priceBook: try TestPrices.book(),
            emit: { events.append($0) },
            progress: { reported.append($0) }
        )
        XCTAssertEqual(reported.last, events.count)
        XCTAssertEqual(reported, reported.sorted())
        return (events, manifest)
    }

    func testTotalsAreExact() throws {
        let (events, _) = try generate(small)
        XCTAssertEqual(events.count, 20_000)
        XCTAssertEqual(events.reduce(UInt64(0)) { $0 + $1.counts.total }, 10_000_000_000)
        var perEmployee: [String: UInt64] = [:]
        var eventsPerEmployee: [String: Int] = [:]
        for event in events {
            perEmployee[event.employee, default: 0] += event.counts.total
            eventsPerEmployee[event.employee, default: 0] += 1
        }
        // Everyone appears, so everyone has at least one event; keys are emp-0001 ... emp-2000.
        XCTAssertEqual(perEmployee.count, 2000)
        XCTAssertEqual(Set(perEmployee.keys), Set((1...2000).map { "emp-" + String(format: "%04d", $0) }))
        XCTAssertGreaterThanOrEqual(eventsPerEmployee.values.min() ?? 0, 1)
        let ranked = perEmployee.sorted { $0.value > $1.value }
        XCTAssertEqual(ranked[0].value, 300_000_000)
        XCTAssertLessThan(ranked[1].value, 300_000_000)
        XCTAssertNotEqual(ranked[0].key, "emp-0001")
        // A heavy tail: the top 1% hold far more than 1%, and the median is well under the mean.
        let topPercent = ranked.prefix(20).reduce(UInt64(0)) { $0 + $1.value }
        XCTAssertGreaterThan(topPercent, 10_000_000_000 / 10)
        XCTAssertLessThan(ranked[1000].value, 10_000_000_000 / 2000)
        // Heavier users make more requests.
        XCTAssertGreaterThan(eventsPerEmployee[ranked[0].key] ?? 0, eventsPerEmployee[ranked[1999].key] ?? 0)
    }

    func testEventShape() throws {
        let (events, _) = try generate(small)
        let start = utcMillis(2026, 10, 1)
        let end = utcMillis(2026, 10, 31)
        var previous = Int64.min
        var ids = Set<String>()
        var counts = TokenCounts()
        var models: [String: Int] = [:]
        var tools = Set<String>()
        for (index, event) in events.enumerated() {
            XCTAssertGreaterThanOrEqual(event.timestampMillis, previous, "event \(index) out of time order")
            previous = event.timestampMillis
            XCTAssertTrue((start..<end).contains(event.timestampMillis))
            XCTAssertEqual(event.id, "e-" + String(format: "%05d", index + 1))
            ids.insert(event.id)
            let number = event.employee.dropFirst(4)
            XCTAssertTrue(event.session.hasPrefix("s-\(number)-"), "\(event.session) for \(event.employee)")
            XCTAssertEqual(event.session.count, "s-0000-0000".count)
            counts.add(event.counts)
            models[event.model, default: 0] += 1
            tools.insert(event.tool)
            if event.counts.total >= 100 {
                let c = event.counts
                XCTAssertGreaterThan(c.cacheRead, max(c.input, c.output, c.cacheWrite))
            }
        }
        XCTAssertEqual(ids.count, events.count)
        XCTAssertGreaterThan(counts.cacheRead, max(counts.input, counts.output, counts.cacheWrite))
        let total = Double(counts.total)
        XCTAssertEqual(Double(counts.cacheRead) / total, 0.765, accuracy: 0.03)
        XCTAssertEqual(Double(counts.input) / total, 0.10, accuracy: 0.02)
        XCTAssertEqual(Double(counts.cacheWrite) / total, 0.08, accuracy: 0.02)
        XCTAssertEqual(Double(counts.output) / total, 0.055, accuracy: 0.015)
        XCTAssertTrue(tools.isSubset(of: ["claude-code", "cursor", "codex-cli", "gemini-cli", "acme-agent"]))
        XCTAssertEqual(tools.count, 5)
        let claude = models.filter { $0.key.hasPrefix("claude-") }.values.reduce(0, +)
        XCTAssertGreaterThan(claude, events.count / 2)
        XCTAssertGreaterThan(models["gpt-5"] ?? 0, 0)
        XCTAssertGreaterThan(models["gemini-2.5-flash"] ?? 0, 0)
        // 0.5% and 0.1% of 20,000 events.
        XCTAssertEqual(Double(models["acme-coder-2"] ?? 0), 100, accuracy: 50)
        XCTAssertEqual(Double(models["acme-experimental-7b"] ?? 0), 20, accuracy: 15)
        // More traffic in working hours than at night, in the busiest offices' time zone (US east, UTC-5).
        let hours = events.map { ($0.timestampMillis - 5 * 3_600_000) % 86_400_000 / 3_600_000 }
        let afternoon = hours.filter { (13..<17).contains($0) }.count
        let night = hours.filter { (1..<5).contains($0) }.count
        XCTAssertGreaterThan(afternoon, night)
    }

    func testManifestMatchesAnIndependentResum() throws {
        let (events, manifest) = try generate(small)
        var counts = TokenCounts()
        var cost: UInt64 = 0
        var unpriced: UInt64 = 0
        var perEmployee: [String: (tokens: UInt64, cost: UInt64, unpriced: UInt64, events: Int)] = [:]
        for event in events {
            counts.add(event.counts)
            var row = perEmployee[event.employee] ?? (0, 0, 0, 0)
            row.tokens += event.counts.total
            row.events += 1
            if let eventCost = TestPrices.cost(event.model, event.counts) {
                cost += eventCost
                row.cost += eventCost
            } else {
                XCTAssertEqual(event.model, "acme-experimental-7b")
                unpriced += event.counts.total
                row.unpriced += event.counts.total
            }
            perEmployee[event.employee] = row
        }
        XCTAssertEqual(manifest.config, small)
        XCTAssertEqual(manifest.events, 20_000)
        XCTAssertEqual(manifest.employeeCount, 2000)
        XCTAssertEqual(manifest.totals.counts, counts)
        XCTAssertEqual(manifest.totals.tokens, 10_000_000_000)
        XCTAssertEqual(manifest.totals.cost, cost)
        XCTAssertEqual(manifest.totals.unpricedTokens, unpriced)
        XCTAssertGreaterThan(unpriced, 0)
        XCTAssertEqual(manifest.employees.count, 2000)
        for row in manifest.employees {
            let expected = try XCTUnwrap(perEmployee[row.employee])
            XCTAssertEqual(row.tokens, expected.tokens)
            XCTAssertEqual(row.cost, expected.cost)
            XCTAssertEqual(row.unpricedTokens, expected.unpriced)
            XCTAssertEqual(row.events, expected.events)
        }
        let ranked = perEmployee.map { (key: $0.key, tokens: $0.value.tokens) }
            .sorted {
                $0.tokens != $1.tokens
                    ? $0.tokens > $1.tokens : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8))
            }
        XCTAssertEqual(manifest.top.count, 250)
        XCTAssertEqual(manifest.top.map(\.employee), ranked.prefix(250).map(\.key))
        XCTAssertEqual(manifest.top.map(\.tokens), ranked.prefix(250).map(\.tokens))
        XCTAssertEqual(manifest.top.map(\.rank), Array(1...250))
        XCTAssertEqual(manifest.top[0].tokens, 300_000_000)
        let experimental = try XCTUnwrap(manifest.byModel.first { $0.model == "acme-experimental-7b" })
        XCTAssertFalse(experimental.priced)
        XCTAssertEqual(experimental.provider, "unknown")
        XCTAssertEqual(experimental.cost, 0)
        XCTAssertEqual(experimental.tokens, unpriced)
        XCTAssertEqual(manifest.byModel.reduce(UInt64(0)) { $0 + $1.cost }, cost)
        XCTAssertEqual(manifest.byDay.count, 30)
        XCTAssertEqual(manifest.byDay.first?.label, "2026-10-01")
        XCTAssertEqual(manifest.byDay.reduce(UInt64(0)) { $0 + $1.tokens }, 10_000_000_000)
        XCTAssertEqual(manifest.byTool.reduce(0) { $0 + $1.events }, 20_000)
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() throws {
        let folder = try TemporaryFolder()
        func write(_ config: WorkloadConfig, _ name: String) throws -> (Data, Manifest) {
            let path = folder.file(name)
            var writer = try CanonicalLogWriter(path: path)
            let manifest = try WorkloadGenerator(config: config).generate(
                priceBook: try TestPrices.book(),
                emit: { try writer.write($0) }
            )
            try writer.close()
            return (try Data(contentsOf: URL(fileURLWithPath: path)), manifest)
        }
        let (first, firstManifest) = try write(small, "a.jsonl")
        let (second, secondManifest) = try write(small, "b.jsonl")
        XCTAssertEqual(first, second)
        XCTAssertEqual(firstManifest, secondManifest)
        var other = small
        other.seed = 43
        let (third, thirdManifest) = try write(other, "c.jsonl")
        XCTAssertNotEqual(first, third)
        XCTAssertNotEqual(firstManifest.top[0].employee, thirdManifest.top[0].employee)
        XCTAssertEqual(thirdManifest.totals.tokens, 10_000_000_000)
        XCTAssertEqual(thirdManifest.top[0].tokens, 300_000_000)
    }

    func testEdgeConfigurations() throws {
        // One employee holds everything.
        let single = try generate(WorkloadConfig(employees: 1, days: 2, totalTokens: 1000, topTokens: 1000, events: 5))
        XCTAssertEqual(single.events.count, 5)
        XCTAssertEqual(Set(single.events.map(\.employee)), ["emp-1"])
        XCTAssertEqual(single.manifest.totals.tokens, 1000)
        // Everyone equal: the top holds exactly the average.
        let even = try generate(WorkloadConfig(employees: 10, days: 3, totalTokens: 1000, topTokens: 100, events: 10))
        XCTAssertEqual(even.manifest.employees.map(\.tokens), Array(repeating: 100, count: 10))
        XCTAssertEqual(even.manifest.employees.map(\.events), Array(repeating: 1, count: 10))
        // Fewer tokens than events: the counts still come out exact, some events carry nothing.
        let sparse = try generate(WorkloadConfig(employees: 3, days: 1, totalTokens: 5, topTokens: 2, events: 10))
        XCTAssertEqual(sparse.events.count, 10)
        XCTAssertEqual(sparse.manifest.totals.tokens, 5)
        XCTAssertEqual(sparse.manifest.employees.map(\.tokens).max(), 2)
        XCTAssertEqual(sparse.manifest.employeeCount, 3)
        // No tokens at all.
        let empty = try generate(WorkloadConfig(employees: 4, days: 1, totalTokens: 0, topTokens: 0, events: 8))
        XCTAssertEqual(empty.events.count, 8)
        XCTAssertEqual(empty.manifest.totals.tokens, 0)
    }

    func testInvalidConfigurations() {
        func invalid(_ config: WorkloadConfig, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try WorkloadGenerator(config: config), file: file, line: line)
        }
        invalid(WorkloadConfig(employees: 100, events: 99))
        invalid(WorkloadConfig(employees: 0, events: 10))
        invalid(WorkloadConfig(days: 0))
        invalid(WorkloadConfig(totalTokens: 100, topTokens: 101))
        // 10 employees cannot share 1000 tokens with nobody above 99.
        invalid(WorkloadConfig(employees: 10, totalTokens: 1000, topTokens: 99, events: 10))
        invalid(WorkloadConfig(employees: 1, totalTokens: 1000, topTokens: 999, events: 10))
        invalid(WorkloadConfig(topTokens: TokenCounts.maxPerEvent + 1))
        invalid(WorkloadConfig(models: []))
        invalid(WorkloadConfig(models: [.init("a", 1), .init("a", 2)]))
        invalid(WorkloadConfig(tools: [.init("t", 0)]))
        invalid(WorkloadConfig(preferredModelShare: 1.5))
        invalid(WorkloadConfig(days: 32, startDay: Day(year: 9999, month: 12, day: 1)))
        XCTAssertNoThrow(try WorkloadConfig(days: 31, startDay: Day(year: 9999, month: 12, day: 1)).validate())
        XCTAssertNoThrow(try WorkloadGenerator(config: WorkloadConfig()))
    }

    func testConfigCodingUsesSnakeCaseAndDefaults() throws {
        let json =
            #"{"employees": 10, "events": 50, "start_day": "2026-11-01", "top_tokens": 500, "total_tokens": 1000}"#
        let config = try JSONDecoder().decode(WorkloadConfig.self, from: Data(json.utf8))
        XCTAssertEqual(config.employees, 10)
        XCTAssertEqual(config.startDay, Day(year: 2026, month: 11, day: 1))
        XCTAssertEqual(config.totalTokens, 1000)
        XCTAssertEqual(config.days, 30)
        XCTAssertEqual(config.seed, 42)
        XCTAssertEqual(config.models, WorkloadConfig.defaultModels)
        let encoded = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        XCTAssertTrue(encoded.contains(#""start_day":"2026-11-01""#))
        XCTAssertTrue(encoded.contains(#""total_tokens":1000"#))
        XCTAssertEqual(try JSONDecoder().decode(WorkloadConfig.self, from: Data(encoded.utf8)), config)
        XCTAssertThrowsError(
            try JSONDecoder().decode(WorkloadConfig.self, from: Data(#"{"start_day": "2026-02-30"}"#.utf8))
        )
    }

    func testSolvedExponentGivesTheTopShare() {
        func share(_ s: Double, _ n: Int) -> Double {
            var h = 0.0
            for i in 1...n { h += pow(Double(i), -s) }
            return 1 / h
        }
        let defaultShare = 281_000_000_000.0 / 60_000_000_000_000.0
        let s = WorkloadGenerator.solveExponent(employees: 85_000, topShare: defaultShare)
        XCTAssertEqual(share(s, 85_000), defaultShare, accuracy: defaultShare * 1e-9)
        // Past 100,000 ranks the tail is summed in closed form; it must still match a plain sum.
        let large = WorkloadGenerator.solveExponent(employees: 1_000_000, topShare: 0.001)
        XCTAssertEqual(share(large, 1_000_000), 0.001, accuracy: 1e-9)
        XCTAssertEqual(WorkloadGenerator.solveExponent(employees: 10, topShare: 0.1), 0)
        XCTAssertEqual(WorkloadGenerator.solveExponent(employees: 1, topShare: 1), 0)
    }

    func testApportionmentIsExact() {
        XCTAssertEqual(Apportionment.largestRemainder(10, weights: [1, 1, 1]), [4, 3, 3])
        XCTAssertEqual(Apportionment.largestRemainder(10, weights: [0, 0]), [5, 5])
        XCTAssertEqual(Apportionment.largestRemainder(7, weights: [3, 0, 4]), [3, 0, 4])
        XCTAssertEqual(Apportionment.largestRemainder(100, weights: [0.5, 0.25, 0.25]), [50, 25, 25])
        XCTAssertEqual(Apportionment.largestRemainder(5, weights: []), [])
        var rng = Xoshiro256StarStar(seed: 7)
        for total in [0, 1, 999, 60_000_000_000_000, 1 << 62] as [UInt64] {
            let weights = (0..<1000).map { _ in rng.nextDouble() * 1000 }
            XCTAssertEqual(Apportionment.largestRemainder(total, weights: weights).reduce(0, +), total)
        }
        XCTAssertEqual(Apportionment.share(1000, 1, of: 3), 333)
        XCTAssertEqual(Apportionment.share(UInt64.max, UInt64.max, of: UInt64.max), UInt64.max)
    }

    func testRandomNumbers() {
        // SplitMix64's published first output for seed 0.
        var mixer = SplitMix64(seed: 0)
        XCTAssertEqual(mixer.next(), 0xE220_A839_7B1D_CDAF)
        var a = Xoshiro256StarStar(seed: 1)
        var b = Xoshiro256StarStar(seed: 1)
        var c = Xoshiro256StarStar(seed: 1, stream: 2)
        let first = (0..<100).map { _ in a.next() }
        XCTAssertEqual(first, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<100).map { _ in c.next() })
        var histogram = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let value = a.next(below: 7)
            histogram[Int(value)] += 1
            let unit = a.nextDouble()
            XCTAssertTrue(unit >= 0 && unit < 1)
            let open = a.nextOpenDouble()
            XCTAssertTrue(open > 0 && open <= 1)
        }
        for count in histogram { XCTAssertEqual(Double(count), 10_000, accuracy: 500) }
    }
}
