import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import TokenBoardCore
import TokenBoardHTTP

/// A bound HTTP listener: every connection speaks HTTP/2 (h2c, prior knowledge) or HTTP/1.1, chosen by its
/// first bytes, answered by one responder within `ServerLimits`.
public final class HTTPServer: Sendable {
    /// The address actually bound (the port is the one picked when 0 was asked for).
    public let endpoint: Endpoint
    private let channel: any Channel
    private let connections: Connections
    /// How long open connections may take to finish their requests once shutdown starts.
    private let drainTimeout: Duration

    private init(endpoint: Endpoint, channel: any Channel, connections: Connections, drainTimeout: Duration) {
        self.endpoint = endpoint
        self.channel = channel
        self.connections = connections
        self.drainTimeout = drainTimeout
    }

    /// Binds `host:port` (port 0 picks a free port).
    public static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        responder: any Responder,
        limits: ServerLimits = ServerLimits(),
        drainTimeout: Duration = .seconds(5)
    ) async throws -> HTTPServer {
        let connections = Connections()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    connections.insert(child)
                    try child.pipeline.syncOperations.configureHTTPServer(responder: responder, limits: limits)
                }
            }
            .bind(host: host, port: port)
            .get()
        let bound = channel.localAddress?.port ?? port
        return HTTPServer(
            endpoint: Endpoint(host: host, port: bound),
            channel: channel,
            connections: connections,
            drainTimeout: drainTimeout
        )
    }

    /// Serves until graceful shutdown (or cancellation): then stops accepting, lets each connection finish the
    /// requests it has open (HTTP/2: GOAWAY; HTTP/1.1: close after the response) for up to the drain timeout,
    /// and closes what is left.
    public func run() async {
        let channel = self.channel
        let connections = self.connections
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
                connections.quiesce()
            }
        } onCancel: {
            channel.close(promise: nil)
            connections.closeAll()
        }
        connections.quiesce()
        await connections.drain(within: drainTimeout)
    }
}

/// The open connections of a server, so shutdown can reach them.
private final class Connections: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        open.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { _ in self.open.withLock { _ = $0.removeValue(forKey: id) } }
    }

    func quiesce() {
        for channel in open.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    func closeAll() {
        for channel in open.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }

    /// Waits until every connection has closed, closing the rest once `timeout` has passed.
    func drain(within timeout: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        for channel in open.withLock({ Array($0.values) }) {
            let closed = channel.closeFuture
            let remaining = deadline - clock.now
            guard remaining > .zero else { break }
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try? await closed.get()
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: remaining)
                    return false
                }
                // Closing completes the close future, so the group never waits on a connection past the deadline.
                if await group.next() == false { channel.close(promise: nil) }
                group.cancelAll()
            }
        }
        closeAll()
    }
}
