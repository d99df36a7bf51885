import NIOCore
import NIOHTTP1

/// Reads a new connection's first bytes and sets it up for HTTP/2 when they are the client connection preface
/// (RFC 9113 §3.4: h2c with prior knowledge), for HTTP/1.1 otherwise; then leaves the pipeline. A client that
/// sends nothing decisive within the header timeout is dropped.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let responder: any Responder
    private let limits: ServerLimits
    private var buffered: ByteBuffer?
    private var deadline: Scheduled<Void>?

    init(responder: any Responder, limits: ServerLimits) {
        self.responder = responder
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: limits.headerTimeout) {
            loopContext.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        guard let bytes = buffered else { return }
        let seen = min(bytes.readableBytes, Self.preface.count)
        let matches = bytes.readableBytesView.prefix(seen).elementsEqual(Self.preface.prefix(seen))
        if matches && seen < Self.preface.count { return }
        do {
            if matches {
                try context.pipeline.syncOperations.addHandler(
                    HTTP2ServerHandler(responder: responder, limits: limits),
                    position: .after(self)
                )
            } else {
                try addHTTP1(after: self, to: context.pipeline.syncOperations)
            }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        buffered = nil
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Shutting down before the client has said anything decisive: nothing to finish.
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func addHTTP1(after sniffer: ProtocolSniffer, to pipeline: ChannelPipeline.SynchronousOperations) throws {
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        let connectionGuard = HTTP1ConnectionGuard(limits: limits)
        try pipeline.addHandlers(
            [
                connectionGuard,
                ByteToMessageHandler(
                    HTTPRequestDecoder(
                        leftOverBytesStrategy: .dropBytes,
                        informationalResponseStrategy: .drop,
                        limitConfiguration: decoderLimits
                    )
                ),
                HTTPResponseEncoder(),
                NIOHTTPResponseHeadersValidator(),
                HTTPServerPipelineHandler(),
                HTTP1ServerHandler(responder: responder, limits: limits, connectionGuard: connectionGuard),
            ],
            position: .after(sniffer)
        )
    }
}

@available(*, unavailable)
extension ProtocolSniffer: Sendable {}

extension ChannelPipeline.SynchronousOperations {
    /// Serves HTTP on this connection: HTTP/2 for clients that open with the HTTP/2 preface (h2c with prior
    /// knowledge), HTTP/1.1 for the rest, answered by `responder` within `limits`.
    public func configureHTTPServer(responder: any Responder, limits: ServerLimits = ServerLimits()) throws {
        try addHandler(ProtocolSniffer(responder: responder, limits: limits))
    }
}
