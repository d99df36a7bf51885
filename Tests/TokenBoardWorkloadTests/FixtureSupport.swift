import Foundation
import TokenBoardCore
import XCTest

@testable import TokenBoardWorkload

/// The hand-written logs under Fixtures/, found from this file's path (no package resources needed).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    ).path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// The lines of a fixture, without their newlines, to build variants of it.
    static func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }
}

/// Every event a reader hands out, checking that no call exceeds `max`.
func readAll(_ reader: any UsageLogReader, max: Int = 1000) throws -> [UsageEvent] {
    var all: [UsageEvent] = []
    var batch: [UsageEvent] = []
    while try reader.next(into: &batch, max: max) {
        XCTAssertLessThanOrEqual(batch.count, max)
        all += batch
        batch.removeAll()
    }
    XCTAssertTrue(batch.isEmpty)
    return all
}

/// Every event of a chain.
func readAll(_ chain: LogChain) throws -> [UsageEvent] {
    var all: [UsageEvent] = []
    var batch: [UsageEvent] = []
    while try chain.next(into: &batch, max: 1000) {
        all += batch
        batch.removeAll()
    }
    return all
}

extension Sequence where Element == UsageEvent {
    /// All tokens of every event.
    var totalTokens: UInt64 { reduce(0) { $0 + $1.counts.total } }
}
