import NIOCore
import NIOPosix
import TokenBoardCore
import TokenBoardWire

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to a node speaking protocol v1, with any number of requests in flight.
public final class Connection: Sendable {
    public let endpoint: Endpoint
    private let channel: any Channel

    private init(endpoint: Endpoint, channel: any Channel) {
        self.endpoint = endpoint
        self.channel = channel
    }

    /// Connects to a node.
    public static func connect(
        to endpoint: Endpoint,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        limits: FrameLimits = .default,
        connectTimeout: TimeAmount = .seconds(2)
    ) async throws -> Connection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addFrameDecoder(limits: limits)
                    try channel.pipeline.syncOperations.addHandler(ResponseRouter(endpoint: endpoint, limits: limits))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
            return Connection(endpoint: endpoint, channel: channel)
        } catch {
            throw ClientError.connectFailed(endpoint, reason: Self.reason(error))
        }
    }

    /// A connect failure in a few words ("connection refused") instead of NIO's nested error values.
    static func reason(_ error: any Error) -> String {
        if let failure = error as? NIOConnectionError, let first = failure.connectionErrors.first {
            return reason(first.error)
        }
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        if error is ChannelError, case ChannelError.connectTimeout = error as! ChannelError {
            return "connect timed out"
        }
        return "\(error)"
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends a frame (its request id is assigned on the way out) and returns the reply frame.
    public func send(_ frame: Frame, timeout: TimeAmount? = nil) -> EventLoopFuture<Frame> {
        send(.frame(frame), timeout: timeout)
    }

    /// Sends a frame encoded ahead (its request id is set on the way out) and returns the reply frame.
    public func send(_ frame: EncodedFrame, timeout: TimeAmount? = nil) -> EventLoopFuture<Frame> {
        send(.encoded(frame), timeout: timeout)
    }

    func send(_ outgoing: PendingRequest.Outgoing, timeout: TimeAmount?) -> EventLoopFuture<Frame> {
        let promise = channel.eventLoop.makePromise(of: Frame.self)
        // A write to a closed channel never reaches the router, so its failure must fail the request too (a
        // second completion of the promise is ignored).
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { promise.fail($0) }
        channel.writeAndFlush(PendingRequest(outgoing: outgoing, promise: promise, timeout: timeout), promise: written)
        return promise.futureResult
    }

    /// Sends a message and decodes the reply as `R`; an error reply is thrown as its `ErrorMessage`.
    public func request<M: WireMessage, R: WireMessage>(
        _ message: M,
        expecting: R.Type,
        timeout: TimeAmount? = .seconds(10)
    ) async throws -> R {
        let frame = Frame(message, requestID: 0, allocator: channel.allocator)
        let future = send(frame, timeout: timeout)
        // A cancelled caller must not wait out the deadline: closing the connection fails what is in flight.
        let channel = self.channel
        let reply = try await withTaskCancellationHandler {
            try await future.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        return try reply.decode(R.self)
    }

    /// Closes the connection; requests in flight fail.
    public func close() async {
        try? await channel.close()
    }
}
