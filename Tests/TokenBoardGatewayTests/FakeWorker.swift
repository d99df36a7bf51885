import NIOCore
import NIOPosix
import Synchronization
import TokenBoardCore
import TokenBoardWire

/// A protocol-v1 listener on 127.0.0.1 that answers every ingest batch one fixed way (acknowledge it, or refuse
/// it) and counts the events it acknowledged: a worker without a store, for checking what the ingest path sends.
final class FakeWorker: Sendable {
    /// How the worker answers an ingest batch.
    enum Answer: Sendable {
        case acknowledge(mapVersion: UInt64)
        case refuse(ErrorMessage)
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = Frame
        typealias OutboundOut = Frame

        let answer: Answer
        let acknowledged = Mutex(0)

        init(answer: Answer) {
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Self.unwrapInboundIn(data)
            let reply: Frame
            switch (try? IngestRequest(frame: frame), answer) {
            case (let request?, .acknowledge(let version)):
                acknowledged.withLock { $0 += request.batch.events.count }
                reply = Frame(
                    ack: IngestAck(applied: UInt32(request.batch.events.count), mapVersion: version),
                    replyingTo: frame
                )
            case (_?, .refuse(let refusal)):
                reply = Frame(refusal, requestID: frame.requestID)
            case (nil, _):
                reply = Frame(
                    ErrorMessage(code: .unsupportedMessage, message: "the fake worker takes ingest batches only"),
                    requestID: frame.requestID
                )
            }
            context.writeAndFlush(Self.wrapOutboundOut(reply), promise: nil)
        }
    }

    private let channel: any Channel
    private let handler: Handler

    init(answering answer: Answer) async throws {
        let handler = Handler(answer: answer)
        self.handler = handler
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addFrameCodec()
                    try child.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: channel.localAddress!.port!) }

    /// Events of the batches acknowledged so far.
    var acknowledgedEvents: Int { handler.acknowledged.withLock { $0 } }

    func stop() async throws {
        try await channel.close()
    }
}
