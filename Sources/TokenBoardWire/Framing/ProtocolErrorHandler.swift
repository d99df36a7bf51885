import NIOCore

/// The last handler of a server pipeline. A `WireError` that reaches it (from the frame decoder, or fired by a
/// request handler) is answered with an error frame, flushed, and then the connection is closed: after a framing
/// error the byte stream cannot be trusted, and a peer that sends malformed payloads is not worth serving further.
/// The frame carries request id 0, or the id of a `RequestFailure`. Any other error just closes the connection.
///
/// `MessageToByteHandler` fires encoder failures down the pipeline too, so a reply the `FrameEncoder` refuses
/// (larger than `maxPayloadBytes`) also ends here: request handlers should keep replies within the limit or
/// answer such requests with their own error frame.
///
/// Only the first error is answered; errors that follow while closing (such as data arriving after the decoder
/// failed) are ignored.
public final class ProtocolErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = Frame
    public typealias OutboundOut = Frame

    private var closing = false

    public init() {}

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        closing = true

        let reply: (requestID: UInt64, error: WireError)?
        switch error {
        case let error as WireError: reply = (0, error)
        case let failure as RequestFailure: reply = (failure.requestID, failure.error)
        default: reply = nil
        }
        guard let reply, context.channel.isActive else {
            context.close(promise: nil)
            return
        }
        let frame = Frame(reply.error.errorMessage, requestID: reply.requestID, allocator: context.channel.allocator)
        // Close only once the frame is out (or failed to go out), so the peer gets to read why.
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
