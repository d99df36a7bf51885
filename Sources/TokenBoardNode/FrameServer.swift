import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TokenBoardCore
import TokenBoardWire

/// A bound TCP listener speaking protocol v1; the one server loop both node roles share.
public struct FrameServer: Sendable {
    /// How replies on one connection are produced.
    public enum Concurrency: Sendable {
        /// One request at a time, replies in request order (the worker: cheap, ordered work).
        case serial
        /// Every request in its own task, replies as they finish (the coordinator: each request waits on others).
        case concurrent
    }

    private let channel: NIOAsyncChannel<NIOAsyncChannel<Frame, Frame>, Never>

    /// The address actually bound (the port is the one picked when 0 was asked for).
    public let endpoint: Endpoint

    /// Binds `host:port` (port 0 picks a free port); with `metrics`, every connection's traffic is counted.
    public static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        limits: FrameLimits = .default,
        metrics: NodeMetrics? = nil
    ) async throws -> FrameServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    if let traffic = metrics?.traffic {
                        try child.pipeline.syncOperations.addHandler(traffic.wireHandler())
                    }
                    try child.pipeline.syncOperations.addFrameCodec(limits: limits)
                    if let traffic = metrics?.traffic {
                        try child.pipeline.syncOperations.addHandler(traffic.frameHandler())
                    }
                    try child.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
                    return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: child)
                }
            }
        let bound = channel.channel.localAddress?.port ?? port
        return FrameServer(channel: channel, endpoint: Endpoint(host: host, port: bound))
    }

    /// Serves connections until graceful shutdown (or cancellation), then closes the listener and every
    /// connection. A request being handled when shutdown starts is finished and answered first.
    public func serve(
        concurrency: Concurrency,
        logger: Logger,
        handler: @escaping @Sendable (Frame) async -> Frame
    ) async throws {
        try await channel.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound.cancelOnGracefulShutdown() {
                    group.addTask {
                        await Self.handle(connection, concurrency: concurrency, logger: logger, handler: handler)
                    }
                }
                group.cancelAll()
            }
        }
    }

    private static func handle(
        _ connection: NIOAsyncChannel<Frame, Frame>,
        concurrency: Concurrency,
        logger: Logger,
        handler: @escaping @Sendable (Frame) async -> Frame
    ) async {
        let underlying = connection.channel
        await withTaskCancellationHandler {
            do {
                try await connection.executeThenClose { inbound, outbound in
                    switch concurrency {
                    case .serial:
                        for try await frame in inbound {
                            try await outbound.write(await handler(frame))
                        }
                    case .concurrent:
                        try await withThrowingDiscardingTaskGroup { group in
                            for try await frame in inbound {
                                group.addTask { try await outbound.write(await handler(frame)) }
                            }
                        }
                    }
                }
            } catch {
                logger.debug(
                    "connection ended",
                    metadata: ["peer": "\(underlying.remoteAddress?.description ?? "?")", "error": "\(error)"]
                )
            }
        } onCancel: {
            underlying.close(promise: nil)
        }
    }
}

extension Frame {
    /// The reply frame for an error, carrying the request's id.
    static func error(_ error: ErrorMessage, replyingTo requestID: UInt64) -> Frame {
        Frame(error, requestID: requestID)
    }

    /// The reply frame for a message, carrying the request's id.
    static func reply(_ message: some WireMessage, to requestID: UInt64) -> Frame {
        Frame(message, requestID: requestID)
    }
}
