import Foundation
import TokenBoardCore
import TokenBoardWorkload
import XCTest

final class PlantedCasesTests: XCTestCase {
    func testPlantedEventsAreTheDocumentedCasesInTimeOrder() throws {
        let prices = try TestPrices.book()
        let lastDay = Day(year: 2026, month: 10, day: 30)
        var cases = try PlantedCases(lastDay: lastDay, priceBook: prices)
        let events = cases.events
        XCTAssertEqual(events.count, 1201 + 72 + 9 + 10 + 10)
        XCTAssertEqual(events.map(\.timestampMillis), events.map(\.timestampMillis).sorted())
        let owl = events.filter { $0.employee == PlantedCases.nightOwl }
        XCTAssertTrue(
            events.allSatisfy {
                Day(timestampMillis: $0.timestampMillis) == lastDay || $0.employee == PlantedCases.nightOwl
            }
        )
        // Every hour of the last three days, once.
        XCTAssertEqual(
            owl.map(\.timestampMillis),
            (0..<72).map { lastDay.adding(days: -2).startMillis + Int64($0) * 3_600_000 }
        )

        let idle = events.filter { $0.employee == PlantedCases.idleAgent }
        XCTAssertEqual(idle.last!.timestampMillis - idle.first!.timestampMillis, 20 * 3_600_000)
        XCTAssertEqual(Set(idle.map(\.session)), ["planted-idle-loop"])
        XCTAssertEqual(Set(events.filter { $0.employee == PlantedCases.connoisseur }.map(\.model)).count, 9)
        let spend = events.filter { PlantedCases.spenders.contains($0.employee) }
        XCTAssertEqual(Set(spend.map(\.model)), ["claude-opus-4-1"], "the highest output price in the book")

        // Taking through a time hands out exactly the events at or before it, once.
        let noon = lastDay.startMillis + 12 * 3_600_000
        let morning = cases.take(through: noon - 1)
        XCTAssertEqual(morning.count, events.filter { $0.timestampMillis < noon }.count)
        XCTAssertEqual(cases.take(through: noon - 1).count, 0)
        XCTAssertEqual(cases.take(through: .max).count, events.count - morning.count)

        let directory = try Directory(csv: PlantedCases.directoryCSV)
        XCTAssertEqual(directory.member("planted-spender-2")?.team, PlantedCases.overspendTeam)
        XCTAssertEqual(directory.members.count, 5)
    }
}

/// The planted cases in a store: exactly the idle agent and the night owl are flagged, with the usage each was
/// built with (prices per million: sonnet 3 / 15 / 0.30 cache read, haiku 1 / 5).
final class PlantedSignalsTests: XCTestCase {
    func testExactlyTheIdleAgentAndTheNightOwlAreFlagged() throws {
        let lastDay = Day(year: 2026, month: 10, day: 30)
        let cases = try PlantedCases(lastDay: lastDay, priceBook: try TestPrices.book())
        var store = ShardStore(priceBook: try TestPrices.book())
        var builder = EventBatchBuilder()
        for event in cases.events { builder.append(event) }
        try store.apply(builder.take())
        let flagged = store.flagged(window: .days(30), anchor: lastDay, rules: SignalRules())
        XCTAssertEqual(
            flagged,
            [
                FlaggedEmployee(
                    employee: PlantedCases.idleAgent,
                    idleSessions: 1,
                    aroundClockDays: 0,
                    tokens: 1201 * 31_504,
                    output: 1201 * 4,
                    cost: 1201 * (1_500 * 3_000 + 4 * 15_000 + 30_000 * 300)
                ),
                FlaggedEmployee(
                    employee: PlantedCases.nightOwl,
                    idleSessions: 0,
                    aroundClockDays: 3,
                    tokens: 72 * 4_000,
                    output: 72 * 1_000,
                    cost: 72 * (3_000 * 1_000 + 1_000 * 5_000)
                ),
            ]
        )
        // On the last day alone the owl has one around-the-clock day: not enough.
        XCTAssertEqual(
            store.flagged(window: .days(1), anchor: lastDay, rules: SignalRules()).map(\.employee),
            [PlantedCases.idleAgent]
        )
    }
}
