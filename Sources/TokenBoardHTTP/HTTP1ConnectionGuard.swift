import NIOCore

/// The first handler of an HTTP/1.1 connection: sees every byte before the parser does, so it can tell a
/// request head that is arriving too slowly, and closes connections that are idle or slow.
final class HTTP1ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limits: ServerLimits
    private var timer: ConnectionTimer?
    private var tick: RepeatedTask?
    private var awaitingHead = true
    /// A request of this connection is with the application.
    var busy = false

    init(limits: ServerLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = ConnectionTimer(limits: limits, now: context.eventLoop.now)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        tick = context.eventLoop.scheduleRepeatedTask(initialDelay: limits.tick, delay: limits.tick) { _ in
            handler.value.checkDeadlines(context: loopContext.value)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tick?.cancel()
        tick = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        tick?.cancel()
        tick = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = context.eventLoop.now
        timer?.received(at: now)
        // The parser runs inside this call; a head it completes clears the deadline again at once.
        if awaitingHead { timer?.headersPending(true, at: now) }
        context.fireChannelRead(data)
    }

    /// A request head was parsed.
    func headReceived(at now: NIODeadline) {
        awaitingHead = false
        timer?.headersPending(false, at: now)
    }

    /// A response was written; the next bytes start a new head.
    func responseSent() {
        busy = false
        awaitingHead = true
    }

    private func checkDeadlines(context: ChannelHandlerContext) {
        guard let timer, timer.check(at: context.eventLoop.now, busy: busy) != .keep else { return }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension HTTP1ConnectionGuard: Sendable {}
