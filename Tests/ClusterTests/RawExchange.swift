import NIOCore
import NIOPosix
import TokenBoardCore

/// Sends raw bytes to a node and collects everything it sends back until it closes the connection (or the
/// deadline passes): how a test plays a broken or hostile peer.
enum RawExchange {
    static func send(
        _ bytes: [UInt8],
        to endpoint: Endpoint,
        closeAfterSending: Bool,
        deadline: TimeAmount = .seconds(10)
    )
        async throws -> (received: [UInt8], closedByPeer: Bool)
    {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        if closeAfterSending { try? await channel.close(mode: .output) }
        let closed = channel.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
        try await channel.closeFuture.get()
        closed.cancel()
        return (collector.bytes, collector.closedByPeer)
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var bytes: [UInt8] = []
        var closedByPeer = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }

        func channelInactive(context: ChannelHandlerContext) {
            closedByPeer = true
            context.fireChannelInactive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelEvent, case .inputClosed = event as! ChannelEvent { closedByPeer = true }
            context.fireUserInboundEventTriggered(event)
        }
    }
}
