import NIOCore
import Prometheus
import Synchronization
import TokenBoardGateway
import TokenBoardWire

/// Bytes a node's protocol-v1 server moves: on the wire (after LZ4) and as frames (header plus payload before
/// compression), in and out. Their quotient is the compression the wire achieves.
final class TrafficCounters: Sendable {
    private let wireIn: Counter
    private let wireOut: Counter
    private let framesIn: Counter
    private let framesOut: Counter
    private let ratioIn: Gauge
    private let ratioOut: Gauge
    /// The same totals, readable for the ratios (Prometheus counters cannot be read back).
    private let totals = Mutex<(wireIn: Int64, wireOut: Int64, framesIn: Int64, framesOut: Int64)>((0, 0, 0, 0))

    init(registry: PrometheusCollectorRegistry) {
        let wire = MetricNameDescriptor.tokenboard(
            "protocol_wire",
            unit: "bytes",
            help: "Bytes read and written by protocol-v1 connections to this node, as on the wire (LZ4-compressed)."
        )
        let frames = MetricNameDescriptor.tokenboard(
            "protocol_frame",
            unit: "bytes",
            help: "The same traffic as frames before compression (28-byte header plus uncompressed payload)."
        )
        wireIn = registry.makeCounter(descriptor: wire, labels: [("direction", "in")])
        wireOut = registry.makeCounter(descriptor: wire, labels: [("direction", "out")])
        framesIn = registry.makeCounter(descriptor: frames, labels: [("direction", "in")])
        framesOut = registry.makeCounter(descriptor: frames, labels: [("direction", "out")])
        let ratio = MetricNameDescriptor.tokenboard(
            "protocol_compression_ratio",
            help: "Frame bytes per wire byte since start (1 means nothing was compressed), per direction."
        )
        ratioIn = registry.makeGauge(descriptor: ratio, labels: [("direction", "in")])
        ratioOut = registry.makeGauge(descriptor: ratio, labels: [("direction", "out")])
    }

    func received(wire bytes: Int) {
        wireIn.increment(by: Int64(bytes))
        totals.withLock { $0.wireIn += Int64(bytes) }
    }

    func sent(wire bytes: Int) {
        wireOut.increment(by: Int64(bytes))
        totals.withLock { $0.wireOut += Int64(bytes) }
    }

    func received(frame bytes: Int) {
        framesIn.increment(by: Int64(bytes))
        totals.withLock { $0.framesIn += Int64(bytes) }
    }

    func sent(frame bytes: Int) {
        framesOut.increment(by: Int64(bytes))
        totals.withLock { $0.framesOut += Int64(bytes) }
    }

    /// Sets the compression ratios from the totals so far.
    func updateRatios() {
        let now = totals.withLock { $0 }
        ratioIn.set(now.wireIn > 0 ? Double(now.framesIn) / Double(now.wireIn) : 1)
        ratioOut.set(now.wireOut > 0 ? Double(now.framesOut) / Double(now.wireOut) : 1)
    }

    /// Counts the bytes of a connection, before the frame codec.
    func wireHandler() -> WireTrafficHandler { WireTrafficHandler(counters: self) }

    /// Counts the frames of a connection, after the frame codec.
    func frameHandler() -> FrameTrafficHandler { FrameTrafficHandler(counters: self) }
}

/// Counts raw bytes in and out.
final class WireTrafficHandler: ChannelDuplexHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    private let counters: TrafficCounters

    init(counters: TrafficCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counters.received(wire: unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        counters.sent(wire: unwrapOutboundIn(data).readableBytes)
        context.write(data, promise: promise)
    }
}

/// Counts frames in and out at their uncompressed size.
final class FrameTrafficHandler: ChannelDuplexHandler, Sendable {
    typealias InboundIn = Frame
    typealias OutboundIn = Frame
    private let counters: TrafficCounters
    /// A frame header's size (docs/PROTOCOL.md).
    static let headerBytes = 28

    init(counters: TrafficCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counters.received(frame: Self.headerBytes + unwrapInboundIn(data).payload.readableBytes)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        counters.sent(frame: Self.headerBytes + unwrapOutboundIn(data).payload.readableBytes)
        context.write(data, promise: promise)
    }
}
