import NIOHTTP1

/// The application behind the HTTP transports: turns a complete request into a complete response. Called
/// concurrently, once per request, outside the event loop; a task cancelled because the client went away may
/// return anything.
public protocol Responder: Sendable {
    func respond(to request: Request) async -> Response

    /// The response for a request the transport refuses before the application sees it (413 body too large,
    /// 431 headers too large, 400 unparseable HTTP/1.1), so the application can keep one error format. Called
    /// on the event loop: must not block.
    func refusal(_ status: HTTPResponseStatus, reason: String) -> Response
}

extension Responder {
    /// A plain-text refusal.
    public func refusal(_ status: HTTPResponseStatus, reason: String) -> Response {
        Response(
            status: status,
            headers: ["content-type": "text/plain; charset=utf-8"],
            body: .init(string: reason + "\n")
        )
    }
}
