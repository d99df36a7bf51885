import NIOCore
import NIOPosix
import TokenBoardClient
import TokenBoardCore
import TokenBoardGateway
import XCTest

final class EventIngestTests: XCTestCase {
    private let ingest = EventIngest(
        coordinator: Endpoint(host: "127.0.0.1", port: 1),
        group: MultiThreadedEventLoopGroup.singleton
    )

    private func refusal(_ body: String, key: String? = nil) async -> APIError? {
        do {
            _ = try await ingest.ingest(ByteBuffer(string: body), idempotencyKey: key)
            return nil
        } catch {
            return error as? APIError
        }
    }

    func testFirstBadLineIsNamedAndNothingIsSent() async {
        // Port 1 refuses connections: reaching the cluster would be a 503, not these 400s.
        let good = #"{"ts":"2026-10-01T00:00:00Z","employee":"a","model":"m"}"#
        let error = await refusal(
            good + "\n\n" + good + "\n{\"ts\":1,\"employee\":\"b\",\"model\":\"m\",\"output\":1.5}\n"
        )
        XCTAssertEqual(error?.status, .badRequest)
        XCTAssertEqual(error?.code, "bad-line")
        XCTAssertEqual(error?.line, 4)
        XCTAssertEqual(error?.message, "line 4: output must be an integer token count")

        let truncated = await refusal(#"{"ts":"2026-10-01T00:00:00Z","employee":"a""#)
        XCTAssertEqual(truncated?.line, 1)
        XCTAssertEqual(truncated?.code, "bad-line")
    }

    func testEmptyBodiesAndBadKeysAreRefused() async {
        let blank = await refusal("\n  \n")
        XCTAssertEqual(blank?.message, "the body holds no events (canonical JSONL, one per line)")
        let line = #"{"ts":"2026-10-01T00:00:00Z","employee":"a","model":"m"}"#
        let spaced = await refusal(line, key: "has space")
        XCTAssertEqual(spaced?.code, "bad-request")
        let long = await refusal(line, key: String(repeating: "k", count: 256))
        XCTAssertEqual(long?.code, "bad-request")
    }

    func testAGoodBodyReachesForTheCluster() async {
        let line = #"{"ts":"2026-10-01T00:00:00Z","employee":"a","model":"m"}"#
        do {
            _ = try await ingest.ingest(ByteBuffer(string: line), idempotencyKey: "k-1")
            XCTFail("nothing listens on port 1")
        } catch {
            XCTAssertEqual(
                error as? ClientError,
                .connectFailed(Endpoint(host: "127.0.0.1", port: 1), reason: "connection refused")
            )
        }
    }
}
