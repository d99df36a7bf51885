import NIOCore
import NIOHTTP1

/// Serves HTTP/1.1 requests, one at a time (pipelined requests wait in `HTTPServerPipelineHandler`), with the
/// same responder and limits as HTTP/2.
final class HTTP1ServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(Request, keepAlive: Bool)
        /// Answered early (413); the rest of the request is ignored and the connection closes.
        case discarding
        case responding(Task<Void, Never>)
    }

    private let responder: any Responder
    private let limits: ServerLimits
    private let connectionGuard: HTTP1ConnectionGuard
    private var state = State.idle

    init(responder: any Responder, limits: ServerLimits, connectionGuard: HTTP1ConnectionGuard) {
        self.responder = responder
        self.limits = limits
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            connectionGuard.headReceived(at: context.eventLoop.now)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodyBytes {
                state = .discarding
                write(tooLarge, keepAlive: false, version: head.version, context: context)
                return
            }
            let request = Request(
                method: head.method,
                target: head.uri,
                headers: head.headers,
                body: context.channel.allocator.buffer(capacity: 0),
                version: head.version
            )
            state = .receiving(request, keepAlive: head.isKeepAlive)
        case .body(var chunk):
            guard case .receiving(var request, let keepAlive) = state else { return }
            state = .idle
            guard request.body.readableBytes + chunk.readableBytes <= limits.maxBodyBytes else {
                state = .discarding
                write(tooLarge, keepAlive: false, version: request.version, context: context)
                return
            }
            request.body.writeBuffer(&chunk)
            state = .receiving(request, keepAlive: keepAlive)
        case .end:
            guard case .receiving(let request, let keepAlive) = state else { return }
            connectionGuard.busy = true
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let responder = self.responder
            state = .responding(
                Task {
                    let response = await responder.respond(to: request)
                    handler.eventLoop.execute {
                        handler.value.deliver(
                            response,
                            keepAlive: keepAlive,
                            version: request.version,
                            context: loopContext.value
                        )
                    }
                }
            )
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The parser cannot continue after any of its errors: answer if no response has started, then close.
        if let parserError = error as? HTTPParserError {
            switch state {
            case .idle, .receiving:
                let response: Response =
                    parserError == .headerOverflow
                    ? responder.refusal(
                        .requestHeaderFieldsTooLarge,
                        reason: "request headers exceed \(limits.maxHeaderBytes) bytes"
                    )
                    : responder.refusal(.badRequest, reason: "malformed HTTP/1.1 request: \(parserError)")
                state = .discarding
                write(response, keepAlive: false, version: .http1_1, context: context)
            case .discarding, .responding:
                context.close(promise: nil)
            }
            return
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .responding(let task) = state { task.cancel() }
        state = .idle
        context.fireChannelInactive()
    }

    private var tooLarge: Response {
        responder.refusal(.payloadTooLarge, reason: "request body exceeds \(limits.maxBodyBytes) bytes")
    }

    private func deliver(_ response: Response, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        guard case .responding = state, context.channel.isActive else { return }
        state = .idle
        write(response, keepAlive: keepAlive, version: version, context: context)
    }

    private func write(_ response: Response, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = response.headers
        for name in Response.connectionSpecific { headers.remove(name: name) }
        headers.add(name: "content-length", value: String(response.body.readableBytes))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        connectionGuard.responseSent()
        if !keepAlive {
            let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in loopContext.value.close(promise: nil) }
        }
    }
}

@available(*, unavailable)
extension HTTP1ServerHandler: Sendable {}
