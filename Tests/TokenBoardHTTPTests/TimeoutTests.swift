import NGHTTP2
import NIOCore
import TokenBoardHTTP
import XCTest

/// Slow and silent clients are dropped; the deadlines run on the channel's event loop clock, advanced by hand.
final class TimeoutTests: XCTestCase {
    private var limits: ServerLimits {
        var limits = ServerLimits()
        limits.headerTimeout = .seconds(5)
        limits.idleTimeout = .seconds(30)
        return limits
    }

    func testSilentConnectionIsDroppedAfterTheHeaderTimeout() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        await server.advance(by: .milliseconds(4999))
        XCTAssertTrue(server.isActive)
        await server.advance(by: .milliseconds(1))
        try await server.channel.closeFuture.get()
    }

    func testPartialPrefaceIsDroppedAfterTheHeaderTimeout() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        try await server.send(Array(clientPreface.prefix(10)))
        await server.advance(by: .seconds(5))
        try await server.channel.closeFuture.get()
    }

    func testHTTP2HeaderBlockThatNeverEndsIsDropped() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let client = try TestClient()
        try await server.exchange(client)
        // HEADERS without END_HEADERS, whose CONTINUATION never comes. 0x82 0x86 0x84: :method GET,
        // :scheme http, :path / from the HPACK static table.
        let open = RawFrame(type: RawFrame.headers, flags: 0, stream: 1, payload: [0x82, 0x86, 0x84])
        try await server.send(open.bytes)
        await server.advance(by: .seconds(4))
        XCTAssertTrue(server.isActive)
        await server.advance(by: .seconds(2))
        try await server.channel.closeFuture.get()
        _ = try await server.drain()
        XCTAssertEqual(server.frames.last { $0.type == RawFrame.goAway }?.errorCode, ErrorCode.enhanceYourCalm.rawValue)
    }

    func testHTTP1HeadThatNeverEndsIsDropped() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        try await server.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        await server.advance(by: .seconds(4))
        XCTAssertTrue(server.isActive)
        await server.advance(by: .seconds(2))
        try await server.channel.closeFuture.get()
    }

    func testIdleHTTP2ConnectionGetsGoAwayAndCloses() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let client = try TestClient()
        let id = try client.request("GET", "/")
        _ = try await server.response(id, client: client)
        await server.advance(by: .seconds(29))
        XCTAssertTrue(server.isActive)
        await server.advance(by: .seconds(2))
        try await server.channel.closeFuture.get()
        _ = try await server.drain()
        XCTAssertEqual(server.frames.last { $0.type == RawFrame.goAway }?.errorCode, ErrorCode.noError.rawValue)
    }

    func testIdleTimeoutWaitsForRequestsTheApplicationIsAnswering() async throws {
        let gate = Gate()
        let server = try await ServerHarness(responder: GatedResponder(gate: gate), limits: limits)
        let client = try TestClient()
        let id = try client.request("GET", "/slow")
        try await server.exchange(client)
        await gate.waitForArrivals(1)
        await server.advance(by: .seconds(120))
        XCTAssertTrue(server.isActive)
        await gate.release()
        let response = try await server.response(id, client: client)
        XCTAssertEqual(response.status, 200)
    }

    func testIdleHTTP1ConnectionIsClosed() async throws {
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        try await server.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await server.next()
        await server.advance(by: .seconds(29))
        XCTAssertTrue(server.isActive)
        await server.advance(by: .seconds(2))
        try await server.channel.closeFuture.get()
    }
}
