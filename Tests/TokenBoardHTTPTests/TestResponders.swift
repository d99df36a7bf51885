import NIOCore
import NIOHTTP1
import TokenBoardHTTP

/// Describes the request it got: method, decoded path segments, sorted query, body size and a checksum of the
/// body, and the protocol version.
struct EchoResponder: Responder {
    func respond(to request: Request) async -> Response {
        let query = request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let sum = request.body.readableBytesView.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        let text =
            "\(request.method.rawValue) \(request.pathSegments) \(query) \(request.body.readableBytes) \(sum) HTTP/\(request.version.major)"
        return Response(
            status: .ok,
            headers: ["content-type": "text/plain", "x-echo": "yes"],
            body: ByteBuffer(string: text)
        )
    }
}

/// A response body of `size` bytes, byte i being i mod 251.
struct LargeResponder: Responder {
    let size: Int

    func respond(to request: Request) async -> Response {
        Response(status: .ok, body: ByteBuffer(bytes: (0..<size).map { UInt8($0 % 251) }))
    }
}

/// Holds every request until released; counts the requests waiting.
actor Gate {
    private var released = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var arrivalWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private(set) var arrived = 0

    func pass() async {
        arrived += 1
        for watcher in arrivalWatchers where watcher.count <= arrived { watcher.continuation.resume() }
        arrivalWatchers.removeAll { $0.count <= arrived }
        if released { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Returns once `count` requests have reached the gate.
    func waitForArrivals(_ count: Int) async {
        if arrived >= count { return }
        await withCheckedContinuation { arrivalWatchers.append((count, $0)) }
    }

    func release() {
        released = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}

struct GatedResponder: Responder {
    let gate: Gate

    func respond(to request: Request) async -> Response {
        await gate.pass()
        return Response(status: .ok, body: ByteBuffer(string: "released \(request.path)"))
    }
}
