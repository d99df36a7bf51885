import NGHTTP2
import NIOCore

/// A client-side libnghttp2 session (through the same wrapper), used to talk real HTTP/2 to the server handler.
final class TestClient {
    struct Response {
        var status: Int?
        var headers: [HeaderField] = []
        var body: [UInt8] = []
        var ended = false
        var closedWith: ErrorCode?

        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    let session: Session
    private(set) var responses: [Int32: Response] = [:]
    private(set) var goAway: (lastStreamID: Int32, error: ErrorCode)?
    /// Whether the client gives DATA bytes back to the server's windows as it receives them.
    var consumesBodies = true

    init(configuration: SessionConfiguration = SessionConfiguration()) throws {
        session = try Session(role: .client, configuration: configuration)
    }

    func request(
        _ method: String = "GET",
        _ path: String,
        headers: [HeaderField] = [],
        body: (any OutgoingBody)? = nil
    ) throws -> Int32 {
        let fields =
            [
                HeaderField(":method", method), HeaderField(":scheme", "http"), HeaderField(":path", path),
                HeaderField(":authority", "127.0.0.1"),
            ] + headers
        let id = try session.submitRequest(headers: fields, body: body)
        responses[id] = Response()
        return id
    }

    /// What the client has to send.
    func outgoing() throws -> [UInt8] {
        var bytes: [UInt8] = []
        let events = try session.send { bytes.append(contentsOf: $0) }
        try apply(events)
        return bytes
    }

    /// Takes bytes the server sent.
    func receive(_ bytes: [UInt8]) throws {
        try apply(bytes.withUnsafeBytes { raw in try session.receive(raw) })
    }

    func response(_ id: Int32) -> Response? { responses[id] }

    private func apply(_ events: [Event]) throws {
        for event in events {
            switch event {
            case .headers(let id, let fields, let endStream, _):
                responses[id, default: Response()].status = fields.first { $0.name == ":status" }.flatMap {
                    Int($0.value)
                }
                responses[id, default: Response()].headers = fields
                if endStream { responses[id, default: Response()].ended = true }
            case .data(let id, let bytes):
                responses[id, default: Response()].body += bytes
                if consumesBodies { try session.consume(streamID: id, count: bytes.count) }
            case .endStream(let id):
                responses[id, default: Response()].ended = true
            case .streamClosed(let id, let error):
                responses[id, default: Response()].closedWith = error
            case .goAway(let last, let error):
                goAway = (last, error)
            }
        }
    }
}

/// A body the test releases in parts: `nil` (deferred) until more is added.
final class DripBody: OutgoingBody {
    private var pending: [UInt8] = []
    private var finished = false

    func add(_ bytes: [UInt8], last: Bool) {
        pending += bytes
        finished = last
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, isLast: Bool)? {
        guard !pending.isEmpty || finished else { return nil }
        let count = min(buffer.count, pending.count)
        pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        pending.removeFirst(count)
        return (count, finished && pending.isEmpty)
    }
}
