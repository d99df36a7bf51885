/// The application behind the HTTP transports: turns a complete request into a complete response. Called
/// concurrently, once per request, outside the event loop; a task cancelled because the client went away may
/// return anything.
public protocol Responder: Sendable {
    func respond(to request: Request) async -> Response
}
