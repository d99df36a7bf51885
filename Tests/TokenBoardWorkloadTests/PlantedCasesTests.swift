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
        XCTAssertEqual(events.count, 1201 + 9 + 10 + 10)
        XCTAssertEqual(events.map(\.timestampMillis), events.map(\.timestampMillis).sorted())
        XCTAssertTrue(events.allSatisfy { Day(timestampMillis: $0.timestampMillis) == lastDay })

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
