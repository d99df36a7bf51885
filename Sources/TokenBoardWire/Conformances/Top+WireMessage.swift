import NIOCore
import TokenBoardCore

/// k u32, window, anchor Day?, metric, allowPartial bool.
extension TopQuery: WireMessage {
    public static var messageType: MessageType { .topQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            k: try payload.readWire(),
            window: try payload.readWire(),
            anchor: try payload.readWire(),
            metric: try payload.readWire(),
            allowPartial: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(k)
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(metric)
        buffer.writeWire(allowPartial)
    }
}

/// entries [RankedEmployee], totals, anchor Day?, newestDay Day?, coverage.
extension TopReply: WireMessage {
    public static var messageType: MessageType { .topReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            entries: try payload.readWire(),
            totals: try payload.readWire(),
            anchor: try payload.readWire(),
            newestDay: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(entries)
        buffer.writeWire(totals)
        buffer.writeWire(anchor)
        buffer.writeWire(newestDay)
        buffer.writeWire(coverage)
    }
}
