import NIOCore
import TokenBoardHTTP
import XCTest

/// HTTP/1.1 on the same port: chosen when the first bytes are not the HTTP/2 preface.
final class HTTP1HandlerTests: XCTestCase {
    /// Reads whole responses (head and `content-length` body) from what the server wrote.
    private func responses(_ server: ServerHarness, count: Int) async throws -> [(head: String, body: String)] {
        var bytes: [UInt8] = []
        var parsed: [(String, String)] = []
        while parsed.count < count {
            bytes += try await server.next()
            parsed = []
            var rest = bytes[...]
            while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                guard rest[end.upperBound...].count >= length else { break }
                let body = rest[end.upperBound..<end.upperBound + length]
                parsed.append((head, String(decoding: body, as: UTF8.self)))
                rest = rest[(end.upperBound + length)...]
            }
        }
        return parsed
    }

    func testRequestIsServedWithTheSameResponder() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        try await server.send("GET /v1/top?k=250&window=30d HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.hasPrefix("HTTP/1.1 200 OK\r\n"), response.head)
        XCTAssertTrue(response.head.contains("x-echo: yes"), response.head)
        XCTAssertEqual(response.body, "GET [\"v1\", \"top\"] k=250&window=30d 0 0 HTTP/1")
        XCTAssertTrue(server.isActive)
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        try await server.send(
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        let answers = try await responses(server, count: 2)
        let sum = Array("abc".utf8).reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        XCTAssertEqual(answers.map(\.body), ["POST [\"a\"]  3 \(sum) HTTP/1", "GET [\"b\"]  0 0 HTTP/1"])
    }

    func testConnectionCloseIsHonoured() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        try await server.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.lowercased().contains("connection: close"), response.head)
        try await server.channel.closeFuture.get()
    }

    func testDeclaredBodyOverTheLimitGets413AndTheConnectionCloses() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 100
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        try await server.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n")
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.hasPrefix("HTTP/1.1 413 Payload Too Large\r\n"), response.head)
        XCTAssertEqual(response.body, "request body exceeds 100 bytes\n")
        try await server.channel.closeFuture.get()
    }

    func testChunkedBodyOverTheLimitGets413() async throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 100
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        let chunk = String(repeating: "z", count: 80)
        try await server.send(
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n\(chunk)\r\n50\r\n\(chunk)\r\n0\r\n\r\n"
        )
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.hasPrefix("HTTP/1.1 413 "), response.head)
        try await server.channel.closeFuture.get()
    }

    func testOversizedHeadersGet431() async throws {
        var limits = ServerLimits()
        limits.maxHeaderBytes = 1024
        let server = try await ServerHarness(responder: EchoResponder(), limits: limits)
        try await server.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 2000))\r\n\r\n")
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response.head)
        try await server.channel.closeFuture.get()
    }

    func testMalformedRequestGets400() async throws {
        let server = try await ServerHarness(responder: EchoResponder())
        try await server.send("GET / HTTP/1.1\r\nHost x\r\n\r\n")
        let response = try await responses(server, count: 1)[0]
        XCTAssertTrue(response.head.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), response.head)
        try await server.channel.closeFuture.get()
    }
}
