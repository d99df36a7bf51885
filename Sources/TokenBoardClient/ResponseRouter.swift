import NIOCore
import TokenBoardCore
import TokenBoardWire

/// A request on its way out: the frame (its id is assigned here) and where its reply goes.
struct PendingRequest {
    var frame: Frame
    var promise: EventLoopPromise<Frame>
    var timeout: TimeAmount?
}

/// Numbers outgoing requests and hands each incoming reply to the request with the same id, so any number of
/// requests can be in flight on one connection (pipelining) and replies may come back in any order.
final class ResponseRouter: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = Frame

    private let endpoint: Endpoint
    private var nextID: UInt64 = 1
    private var inFlight: [UInt64: (promise: EventLoopPromise<Frame>, timer: Scheduled<Void>?)] = [:]
    private var closed = false

    init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if closed {
            request.promise.fail(ClientError.connectionClosed(endpoint))
            promise?.fail(ClientError.connectionClosed(endpoint))
            return
        }
        let id = nextID
        nextID &+= 1
        if nextID == 0 { nextID = 1 }
        request.frame.requestID = id
        var timer: Scheduled<Void>?
        if let timeout = request.timeout {
            let endpoint = self.endpoint
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                if let entry = self.inFlight.removeValue(forKey: id) {
                    entry.promise.fail(ClientError.timedOut(endpoint, milliseconds: timeout.nanoseconds / 1_000_000))
                }
            }
        }
        inFlight[id] = (request.promise, timer)
        context.write(wrapOutboundOut(request.frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let entry = inFlight.removeValue(forKey: frame.requestID) {
            entry.timer?.cancel()
            entry.promise.succeed(frame)
        } else if frame.requestID == 0, frame.messageType == .error {
            // The peer rejected something it could not attribute to a request; nothing in flight can be trusted.
            let error = (try? frame.decode(ErrorMessage.self)) ?? ErrorMessage(code: .internalError, message: "")
            failAll(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        failAll(ClientError.connectionClosed(endpoint))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        let entries = inFlight
        inFlight.removeAll()
        for (_, entry) in entries {
            entry.timer?.cancel()
            entry.promise.fail(error)
        }
    }
}
