import NIOCore
import XCTest

@testable import TokenBoardGateway

/// The gateway encodes an answer's JSON once while the answer stays the same, and, full, forgets the query asked
/// least recently.
final class EncodedRepliesTests: XCTestCase {
    /// Encodes `reply` through `replies`, counting the encodings in `encoded`.
    private func body(
        _ replies: EncodedReplies<String, Int>,
        _ query: String,
        _ reply: Int,
        _ encoded: inout Int
    ) throws -> String {
        var count = encoded
        let body = try replies.body(for: query, reply: reply) {
            count += 1
            return Array("\(query)=\(reply)".utf8)
        }
        encoded = count
        return String(buffer: body)
    }

    func testTheSameAnswerIsEncodedOnceAndAChangedOneAgain() throws {
        let replies = EncodedReplies<String, Int>(capacity: 4)
        var encoded = 0
        XCTAssertEqual(try body(replies, "top", 1, &encoded), "top=1")
        XCTAssertEqual(try body(replies, "top", 1, &encoded), "top=1")
        XCTAssertEqual(encoded, 1)
        XCTAssertEqual(try body(replies, "top", 2, &encoded), "top=2")
        XCTAssertEqual(encoded, 2)
    }

    func testAFullCacheForgetsTheQueryAskedLeastRecently() throws {
        let replies = EncodedReplies<String, Int>(capacity: 2)
        var encoded = 0
        _ = try body(replies, "a", 1, &encoded)
        _ = try body(replies, "b", 1, &encoded)
        _ = try body(replies, "a", 1, &encoded)
        XCTAssertEqual(encoded, 2)
        // "b" was asked least recently: "c" takes its place, "a" stays.
        _ = try body(replies, "c", 1, &encoded)
        _ = try body(replies, "a", 1, &encoded)
        XCTAssertEqual(encoded, 3)
        _ = try body(replies, "b", 1, &encoded)
        XCTAssertEqual(encoded, 4)
    }
}
