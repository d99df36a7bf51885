import Foundation
import TokenBoardCore
import TokenBoardWorkload
import XCTest

final class ShardStoreSnapshotTests: XCTestCase {
    private func prices() throws -> PriceBook {
        try PriceBook(json: Data(contentsOf: URL(fileURLWithPath: shippedPriceBookPath())))
    }

    /// A store with out-of-order days, unpriced models, several tools, numbered producers and keyed events.
    private func populatedStore(seed: UInt64) throws -> (ShardStore, [RawEvent]) {
        var rng = SplitMix64(seed: seed)
        let events = randomEvents(
            count: 3000,
            employees: employeeKeys(40),
            models: ["claude-opus-4-1", "claude-haiku-4-5", "gpt-5", "acme-experimental-7b"],
            tools: ["claude-code", "cursor", ""],
            firstDay: 20700,
            dayCount: 45,
            using: &rng
        )
        var store = ShardStore(priceBook: try prices(), eventKeyWindow: 100)
        try ingest(events, into: &store, using: &rng)
        store.producers.applied(producer: 7, sequence: 3)
        store.producers.applied(producer: 99, sequence: 12)
        var builder = EventBatchBuilder()
        for i in 0..<80 {
            var keyed = events[i].usageEvent
            keyed.id = "req-\(i % 60)"
            builder.append(keyed)
        }
        XCTAssertEqual(try store.apply(builder.take()), 60, "20 of the 80 repeat an id of the same batch")
        return (store, events)
    }

    func testSnapshotRoundTripsEveryPartOfTheState() throws {
        let (store, _) = try populatedStore(seed: 1)
        let bytes = store.snapshot()
        let loaded = try ShardStore(snapshot: bytes, priceBook: try prices())
        XCTAssertEqual(loaded.snapshot(), bytes, "loading and writing again gives the same bytes")
        XCTAssertEqual(loaded.stats, store.stats)
        XCTAssertEqual(loaded.duplicateEventCount, 20)
        XCTAssertEqual(loaded.producers, store.producers)
        let anchor = try XCTUnwrap(store.newestDay)
        for window in [Window.days(1), .days(7), .days(30), .allTime] {
            for metric in [RankingMetric.tokens, .cost, .output] {
                XCTAssertEqual(
                    loaded.top(k: 25, window: window, anchor: anchor, by: metric),
                    store.top(k: 25, window: window, anchor: anchor, by: metric)
                )
            }
            XCTAssertEqual(
                loaded.modelTotals(window: window, anchor: anchor),
                store.modelTotals(window: window, anchor: anchor)
            )
            // Session spans travel too: the Session Immortal candidate is the same, and there is one.
            let rules = TitleRules(minTokensPerModel: 1, cacheWizardMinTokens: 1)
            let candidates = store.titleCandidates(window: window, anchor: anchor, rules: rules)
            XCTAssertEqual(loaded.titleCandidates(window: window, anchor: anchor, rules: rules), candidates)
            XCTAssertTrue(candidates.contains { $0.title == .sessionImmortal }, "\(window)")
            // So do the gaming signals' inputs: with loose rules somebody is flagged, identically.
            let loose = SignalRules(
                idleMinRequests: 2,
                idleMinMinutes: 0,
                idleMaxOutputPerRequest: 1_000_000_000,
                idleMaxCadenceSpreadPercent: 10_000,
                aroundClockMinHours: 2,
                aroundClockMinDays: 1
            )
            let flagged = store.flagged(window: window, anchor: anchor, rules: loose)
            XCTAssertFalse(flagged.isEmpty, "\(window)")
            XCTAssertEqual(loaded.flagged(window: window, anchor: anchor, rules: loose), flagged)
            for name in employeeKeys(40) {
                XCTAssertEqual(
                    loaded.employee(name, window: window, anchor: anchor),
                    store.employee(name, window: window, anchor: anchor)
                )
            }
        }
    }

    func testLoadedStoreGoesOnExactlyAsTheOriginal() throws {
        var (original, _) = try populatedStore(seed: 2)
        var loaded = try ShardStore(snapshot: original.snapshot(), priceBook: try prices())
        var rng = SplitMix64(seed: 3)
        // New employees, models and days on both sides, plus ids still in the window (dropped on both).
        var more = randomEvents(
            count: 500,
            employees: employeeKeys(60),
            models: ["claude-sonnet-4-5", "claude-haiku-4-5", "acme-coder-2"],
            tools: ["claude-code", "aider"],
            firstDay: 20690,
            dayCount: 70,
            using: &rng
        ).map(\.usageEvent)
        more[0].id = "req-59"
        more[1].id = "req-new"
        for chunk in stride(from: 0, to: more.count, by: 64) {
            var a = EventBatchBuilder()
            for e in more[chunk..<min(chunk + 64, more.count)] { a.append(e) }
            let batch = a.take()
            XCTAssertEqual(try loaded.apply(batch), try original.apply(batch))
        }
        XCTAssertEqual(loaded.snapshot(), original.snapshot())
        XCTAssertEqual(loaded.duplicateEventCount, 21)
    }

    func testVersionOneSnapshotLoadsWithoutSessions() throws {
        let (store, _) = try populatedStore(seed: 6)
        let v1 = store.snapshot(layout: 1)
        XCTAssertEqual(v1[0], 1)
        let loaded = try ShardStore(snapshot: v1, priceBook: try prices())
        XCTAssertEqual(loaded.stats, store.stats)
        let anchor = try XCTUnwrap(store.newestDay)
        let titles = loaded.titleCandidates(window: .allTime, anchor: anchor, rules: TitleRules())
        XCTAssertFalse(titles.contains { $0.title == .sessionImmortal })
        XCTAssertEqual(
            loaded.top(k: 40, window: .allTime, anchor: anchor, by: .tokens),
            store.top(k: 40, window: .allTime, anchor: anchor, by: .tokens)
        )
        XCTAssertEqual(Array(loaded.snapshot(layout: 1)), v1)
    }

    func testVersionTwoSnapshotLoadsSessionsWithoutSignals() throws {
        // An idle loop (every 60 s for 3 hours, 1 output token each) and 22 active hours on 3 days: both flagged
        // from a current snapshot, neither from a version 2 one, which has neither cadence nor hours.
        var events: [UsageEvent] = (0...180).map { minute in
            UsageEvent(
                timestampMillis: 20_000 * 86_400_000 + Int64(minute) * 60_000,
                employee: "idle",
                model: "m",
                session: "loop",
                counts: TokenCounts(input: 10, output: 1, cacheWrite: 0, cacheRead: 0)
            )
        }
        for day in Int64(19_998)...20_000 {
            for hour in Int64(0)..<22 {
                events.append(
                    UsageEvent(
                        timestampMillis: day * 86_400_000 + hour * 3_600_000,
                        employee: "owl",
                        model: "m",
                        counts: TokenCounts(input: 100, output: 0, cacheWrite: 0, cacheRead: 0)
                    )
                )
            }
        }
        var store = ShardStore(priceBook: PriceBook(models: []))
        var builder = EventBatchBuilder()
        for event in events { builder.append(event) }
        try store.apply(builder.take())
        let anchor = Day(number: 20_000)
        let flagged = store.flagged(window: .days(7), anchor: anchor, rules: SignalRules())
        XCTAssertEqual(flagged.map(\.employee), ["idle", "owl"])

        let current = try ShardStore(snapshot: store.snapshot(), priceBook: PriceBook(models: []))
        XCTAssertEqual(current.flagged(window: .days(7), anchor: anchor, rules: SignalRules()), flagged)

        let v2 = try ShardStore(snapshot: store.snapshot(layout: 2), priceBook: PriceBook(models: []))
        XCTAssertEqual(v2.flagged(window: .days(7), anchor: anchor, rules: SignalRules()), [])
        XCTAssertEqual(
            v2.titleCandidates(window: .days(7), anchor: anchor, rules: TitleRules()),
            store.titleCandidates(window: .days(7), anchor: anchor, rules: TitleRules())
        )
        XCTAssertEqual(v2.snapshot(layout: 2), store.snapshot(layout: 2))
    }

    func testEmptyStoreRoundTrips() throws {
        let empty = ShardStore(priceBook: try prices())
        let loaded = try ShardStore(snapshot: empty.snapshot(), priceBook: try prices())
        XCTAssertNil(loaded.newestDay)
        XCTAssertEqual(loaded.stats, empty.stats)
        XCTAssertEqual(loaded.snapshot(), empty.snapshot())
    }

    func testDamagedOrCutSnapshotBodiesAreRefusedNeverTrapped() throws {
        let (store, _) = try populatedStore(seed: 4)
        let bytes = store.snapshot()
        for cut in [0, 3, 40, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ShardStore(snapshot: Array(bytes[..<cut]), priceBook: try prices()))
        }
        XCTAssertThrowsError(try ShardStore(snapshot: bytes + [0], priceBook: try prices()))
        var otherVersion = bytes
        otherVersion[0] = 9
        XCTAssertThrowsError(try ShardStore(snapshot: otherVersion, priceBook: try prices())) { error in
            XCTAssertTrue("\(error)".contains("version 9"), "\(error)")
        }
        // Random damage (the file's checksums normally catch it first): an error or a store, never a crash.
        var rng = SplitMix64(seed: 5)
        for _ in 0..<300 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? ShardStore(snapshot: damaged, priceBook: try prices())
        }
    }
}
