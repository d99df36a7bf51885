import NIOCore
import TokenBoardCore
import TokenBoardWire

/// A request on its way out: the frame (its id is assigned here) and where its reply goes.
struct PendingRequest {
    /// A frame to encode, or one encoded ahead (a prepared ingest batch) that only needs its id.
    enum Outgoing {
        case frame(Frame)
        case encoded(EncodedFrame)
    }

    var outgoing: Outgoing
    var promise: EventLoopPromise<Frame>
    var timeout: TimeAmount?
}

/// Numbers outgoing requests, encodes them, and hands each incoming reply to the request with the same id, so any
/// number of requests can be in flight on one connection (pipelining) and replies may come back in any order.
///
/// It encodes (rather than a `FrameEncoder` after it) because a frame encoded ahead is written as its header,
/// with the id set, and its payload as it is.
final class ResponseRouter: ChannelDuplexHandler {
    typealias InboundIn = Frame
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = ByteBuffer

    private let endpoint: Endpoint
    private let limits: FrameLimits
    private var nextID: UInt64 = 1
    private var inFlight: [UInt64: (promise: EventLoopPromise<Frame>, timer: Scheduled<Void>?)] = [:]
    private var closed = false

    init(endpoint: Endpoint, limits: FrameLimits) {
        self.endpoint = endpoint
        self.limits = limits
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if closed {
            request.promise.fail(ClientError.connectionClosed(endpoint))
            promise?.fail(ClientError.connectionClosed(endpoint))
            return
        }
        let id = nextID
        nextID &+= 1
        if nextID == 0 { nextID = 1 }
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
        switch request.outgoing {
        case .frame(var frame):
            frame.requestID = id
            var bytes = context.channel.allocator.buffer(capacity: 0)
            do {
                try FrameEncoder.encode(frame, into: &bytes, limits: limits)
            } catch {
                // As a `FrameEncoder` in the pipeline would: this write fails and so does the connection.
                promise?.fail(error)
                errorCaught(context: context, error: error)
                return
            }
            context.write(wrapOutboundOut(bytes), promise: promise)
        case .encoded(let encoded):
            context.write(
                wrapOutboundOut(encoded.header(requestID: id, allocator: context.channel.allocator)),
                promise: nil
            )
            context.write(wrapOutboundOut(encoded.payload), promise: promise)
        }
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
