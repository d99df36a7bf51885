import NIOCore
import NIOEmbedded
import Synchronization
import TokenBoardHTTP
import XCTest

/// Counts the `read` requests that reach the front of the pipeline (what back-pressure holds back).
final class ReadCounter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Any
    let reads = Mutex(0)

    func read(context: ChannelHandlerContext) {
        reads.withLock { $0 += 1 }
        context.read()
    }
}

/// A server connection in a `NIOAsyncTestingChannel`: the real pipeline (`configureHTTPServer`), fed with
/// bytes and read back byte for byte.
final class ServerHarness {
    let channel = NIOAsyncTestingChannel()
    let readCounter = ReadCounter()
    /// Every byte the server wrote so far, in order.
    private(set) var written: [UInt8] = []

    init(responder: any Responder, limits: ServerLimits = ServerLimits()) async throws {
        let channel = self.channel
        let readCounter = self.readCounter
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(readCounter)
            try channel.pipeline.syncOperations.configureHTTPServer(responder: responder, limits: limits)
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).get()
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// What the server has written since the last call, without waiting.
    func drain() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let data = try await channel.readOutbound(as: IOData.self) { bytes += data.bytes }
        written += bytes
        return bytes
    }

    /// Waits for the server's next write; fails after 10 seconds instead of hanging the suite.
    func next() async throws -> [UInt8] {
        let channel = self.channel
        let bytes = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask { try await channel.waitForOutboundWrite(as: IOData.self).bytes }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                // Closing fails the wait above, so the group does not hang on it.
                try? await channel.close()
                throw HarnessError("the server wrote nothing within 10 s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        written += bytes
        return bytes
    }

    /// Sends what the client has queued and hands the client whatever the server wrote meanwhile.
    func exchange(_ client: TestClient) async throws {
        let out = try client.outgoing()
        if !out.isEmpty { try await send(out) }
        try client.receive(try await drain())
    }

    /// Drives the conversation until the response on stream `id` is complete or the stream closed: the
    /// client's frames go out, the server's come back, waiting for the server only when it has nothing yet.
    func response(_ id: Int32, client: TestClient) async throws -> TestClient.Response {
        while true {
            let out = try client.outgoing()
            if !out.isEmpty { try await send(out) }
            if let response = client.response(id), response.ended || response.closedWith != nil { return response }
            var bytes = try await drain()
            if bytes.isEmpty { bytes = try await next() }
            try client.receive(bytes)
        }
    }

    /// Runs the event loop's timers forward.
    func advance(by amount: TimeAmount) async {
        await channel.testingEventLoop.advanceTime(by: amount)
    }

    var isActive: Bool { channel.isActive }

    /// The frames the server wrote so far (HTTP/2 connections only).
    var frames: [RawFrame] { RawFrame.parse(written) }
}

extension IOData {
    var bytes: [UInt8] {
        switch self {
        case .byteBuffer(let buffer): return Array(buffer.readableBytesView)
        case .fileRegion: return []
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
