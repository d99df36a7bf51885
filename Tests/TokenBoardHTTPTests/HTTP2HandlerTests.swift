import NGHTTP2
import NIOCore
import TokenBoardHTTP
import XCTest

/// The HTTP/2 handler against a real client-side libnghttp2 session and against hand-built frames.
final class HTTP2HandlerTests: XCTestCase {
    func testGetIsAnsweredWithStatusHeadersAndBody() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let client = try TestClient()
        let id = try client.request("GET", "/v1/employees/alice%40example.com%2Fx?k=250&window=30d&by=to+kens")
        let response = try await server.response(id, client: client)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("content-type"), "text/plain")
        XCTAssertEqual(response.header("x-echo"), "yes")
        XCTAssertEqual(
            response.text,
            "GET [\"v1\", \"employees\", \"alice@example.com/x\"] by=to kens&k=250&window=30d 0 0 HTTP/2"
        )
        XCTAssertEqual(response.header("content-length"), String(response.body.count))
        XCTAssertTrue(server.isActive)
    }

    func testManyStreamsOnOneConnectionAreAnsweredEach() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let client = try TestClient()
        let ids = try (0..<20).map { try client.request("GET", "/item/\($0)") }
        for (index, id) in ids.enumerated() {
            let response = try await server.response(id, client: client)
            XCTAssertEqual(response.text, "GET [\"item\", \"\(index)\"]  0 0 HTTP/2")
        }
    }

    func testRequestBodyArrivesWholeAndItsWindowReopensOnlyWhenHandedOver() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 100_000
        limits.maxBufferedBodyBytes = 100_000
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let client = try TestClient()
        let body = DripBody()
        let part = (0..<30_000).map { UInt8($0 % 256) }
        body.add(part, last: false)
        let id = try client.request("POST", "/v1/events", body: body)
        try await server.exchange(client)
        try await server.exchange(client)
        // 30,000 body bytes are in and the request is not complete: the only window update is the one that
        // opened the connection window from 65,535 to 100,001 bytes at the start.
        let before = server.frames.filter { $0.type == RawFrame.windowUpdate }
        XCTAssertEqual(before.map(\.stream), [0])
        XCTAssertEqual(before.compactMap(\.windowIncrement), [100_001 - 65_535])

        body.add(part, last: true)
        try client.session.resume(streamID: id)
        let response = try await server.response(id, client: client)
        let expectedSum = (part + part).reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        XCTAssertEqual(response.text, "POST [\"v1\", \"events\"]  60000 \(expectedSum) HTTP/2")
        // Handing the body over gave back exactly its 60,000 bytes, to the stream and to the connection.
        let after = server.frames.filter { $0.type == RawFrame.windowUpdate }.dropFirst(before.count)
        XCTAssertEqual(after.filter { $0.stream == UInt32(id) }.compactMap(\.windowIncrement), [60_000])
        XCTAssertEqual(after.filter { $0.stream == 0 }.compactMap(\.windowIncrement), [60_000])
    }

    func testResponseBodyWaitsForTheClientsWindow() async throws {
        let size = 200_000
        let server = try await ServerHarness(responder: LargeResponder(size: size))
        var configuration = SessionConfiguration()
        configuration.streamWindow = 65_535
        configuration.connectionWindow = 65_535
        let client = try TestClient(configuration: configuration)
        client.consumesBodies = false
        let id = try client.request("GET", "/large")
        try await server.exchange(client)
        // Wait until the server has used up the window, then check it sent exactly the window.
        while client.response(id)?.body.count ?? 0 < 65_535 { try client.receive(try await server.next()) }
        try client.receive(try await server.drain())
        XCTAssertEqual(client.response(id)?.body.count, 65_535)
        XCTAssertEqual(client.response(id)?.ended, false)

        client.consumesBodies = true
        try client.session.consume(streamID: id, count: 65_535)
        let response = try await server.response(id, client: client)
        XCTAssertEqual(response.body, (0..<size).map { UInt8($0 % 251) })
    }

    func testOutputOfOneReadBurstIsFlushedOnce() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let client = try TestClient()
        try await server.exchange(client)
        _ = try await server.drain()
        let ping = RawFrame(type: RawFrame.ping, flags: 0, stream: 0, payload: Array(repeating: 7, count: 8))
        try await server.send(ping.bytes + ping.bytes + ping.bytes)
        // Three PING acknowledgements, written and flushed together.
        let firstWrite = try await server.channel.readOutbound(as: ByteBuffer.self)
        let secondWrite = try await server.channel.readOutbound(as: ByteBuffer.self)
        let first = try XCTUnwrap(firstWrite)
        XCTAssertNil(secondWrite)
        let acks = RawFrame.parse(Array(first.readableBytesView))
        XCTAssertEqual(acks.count, 3)
        XCTAssertTrue(acks.allSatisfy { $0.type == RawFrame.ping && $0.flags == 1 })
    }

    func testUnwritableChannelHoldsOutputAndReads() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let client = try TestClient()
        try await server.exchange(client)
        _ = try await server.drain()
        let readsBefore = server.readCounter.reads.withLock { $0 }

        server.channel.isWritable = false
        server.channel.pipeline.fireChannelWritabilityChanged()
        let ping = RawFrame(type: RawFrame.ping, flags: 0, stream: 0, payload: Array(repeating: 1, count: 8))
        try await server.send(ping.bytes)
        server.channel.pipeline.read()
        let heldBack = try await server.drain()
        XCTAssertEqual(heldBack, [])
        XCTAssertEqual(server.readCounter.reads.withLock { $0 }, readsBefore)

        server.channel.isWritable = true
        server.channel.pipeline.fireChannelWritabilityChanged()
        let out = RawFrame.parse(try await server.next())
        XCTAssertEqual(out.map(\.type), [RawFrame.ping])
        XCTAssertEqual(server.readCounter.reads.withLock { $0 }, readsBefore + 1)
    }

    func testOversizedHeadersGet431() async throws {
        var limits = ServerLimits()
        limits.maxHeaderBytes = 4096
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let client = try TestClient()
        let id = try client.request("GET", "/", headers: [HeaderField("x-big", String(repeating: "a", count: 5000))])
        let response = try await server.response(id, client: client)
        XCTAssertEqual(response.status, 431)
        XCTAssertEqual(response.text, "request headers exceed 4096 bytes\n")
        // The connection goes on.
        let next = try client.request("GET", "/after")
        let after = try await server.response(next, client: client)
        XCTAssertEqual(after.status, 200)
    }

    func testBodyOverTheLimitGets413ByLengthAndByCount() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 1000
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let client = try TestClient()
        let declared = try client.request(
            "POST",
            "/v1/events",
            headers: [HeaderField("content-length", "1001")],
            body: BytesBody(Array(repeating: 1, count: 1001))
        )
        let first = try await server.response(declared, client: client)
        XCTAssertEqual(first.status, 413)
        XCTAssertEqual(first.text, "request body exceeds 1000 bytes\n")

        let streamed = DripBody()
        streamed.add(Array(repeating: 2, count: 600), last: false)
        let id = try client.request("POST", "/v1/events", body: streamed)
        try await server.exchange(client)
        streamed.add(Array(repeating: 2, count: 600), last: true)
        try client.session.resume(streamID: id)
        let second = try await server.response(id, client: client)
        XCTAssertEqual(second.status, 413)

        let exact = try client.request("POST", "/v1/events", body: BytesBody(Array(repeating: 3, count: 1000)))
        let third = try await server.response(exact, client: client)
        XCTAssertEqual(third.status, 200)
        XCTAssertTrue(third.text.hasPrefix("POST [\"v1\", \"events\"]  1000 "), third.text)
    }

    func testStreamsBeyondTheConcurrencyLimitAreRefused() async throws {
        var limits = ServerLimits()
        limits.maxConcurrentStreams = 2
        let gate = Gate()
        let server = try await ServerHarness(responder: GatedResponder(gate: gate), limits: limits)
        let client = try TestClient()
        // All three go out before the client has seen the server's SETTINGS.
        let ids = try (0..<3).map { try client.request("GET", "/slow/\($0)") }
        try await server.exchange(client)
        await gate.waitForArrivals(2)
        try await server.exchange(client)
        XCTAssertEqual(client.response(ids[2])?.closedWith, .refusedStream)
        await gate.release()
        for id in ids.prefix(2) {
            let response = try await server.response(id, client: client)
            XCTAssertEqual(response.status, 200)
        }
        let arrived = await gate.arrived
        XCTAssertEqual(arrived, 2)
    }

    func testMalformedFrameEndsTheConnectionWithGoAway() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let settings = RawFrame(type: RawFrame.settings, flags: 0, stream: 0, payload: [])
        // A SETTINGS frame whose length is not a multiple of 6.
        let bad = RawFrame(type: RawFrame.settings, flags: 0, stream: 0, payload: [0, 3, 0, 0, 0])
        try await server.send(clientPreface + settings.bytes + bad.bytes)
        _ = try await server.drain()
        let goAway = try XCTUnwrap(server.frames.first { $0.type == RawFrame.goAway })
        XCTAssertEqual(goAway.errorCode, ErrorCode.frameSizeError.rawValue)
        XCTAssertFalse(server.isActive)
    }

    func testFrameOnTheWrongStreamEndsTheConnectionWithProtocolError() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        let settings = RawFrame(type: RawFrame.settings, flags: 0, stream: 0, payload: [])
        let ping = RawFrame(type: RawFrame.ping, flags: 0, stream: 1, payload: Array(repeating: 0, count: 8))
        try await server.send(clientPreface + settings.bytes + ping.bytes)
        _ = try await server.drain()
        let goAway = try XCTUnwrap(server.frames.first { $0.type == RawFrame.goAway })
        XCTAssertEqual(goAway.errorCode, ErrorCode.protocolError.rawValue)
        XCTAssertFalse(server.isActive)
    }

    func testGarbageAfterThePrefaceEndsTheConnection() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        try await server.send(clientPreface + Array(repeating: 0xFF, count: 64))
        _ = try await server.drain()
        XCTAssertFalse(server.isActive)
        let goAway = try XCTUnwrap(server.frames.first { $0.type == RawFrame.goAway })
        XCTAssertNotEqual(goAway.errorCode, ErrorCode.noError.rawValue)
    }

    func testQuiesceAnswersOpenStreamsThenCloses() async throws {
        let gate = Gate()
        let server = try await ServerHarness(responder: GatedResponder(gate: gate))
        let client = try TestClient()
        let id = try client.request("GET", "/pending")
        try await server.exchange(client)
        await gate.waitForArrivals(1)
        server.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try await server.exchange(client)
        XCTAssertEqual(client.goAway?.error, ErrorCode.noError)
        XCTAssertEqual(client.goAway?.lastStreamID, id)
        XCTAssertTrue(server.isActive)
        await gate.release()
        let response = try await server.response(id, client: client)
        XCTAssertEqual(response.text, "released /pending")
        try await server.channel.closeFuture.get()
    }
}
