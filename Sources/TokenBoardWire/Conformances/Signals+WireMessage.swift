import NIOCore
import TokenBoardCore

/// window, anchor Day, rules SignalRules.
extension FlaggedQuery: WireMessage {
    public static var messageType: MessageType { .flaggedQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(window: try payload.readWire(), anchor: try payload.readWire(), rules: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(rules)
    }
}

/// flagged array<FlaggedEmployee>, mapVersion u64.
extension FlaggedReply: WireMessage {
    public static var messageType: MessageType { .flaggedReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(flagged: try payload.readWire(), mapVersion: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(flagged)
        buffer.writeWire(mapVersion)
    }
}

extension SignalsQuery: WindowReportQuery {
    public static var messageType: MessageType { .signalsQuery }
}

/// flagged array<FlaggedEmployee>, rules SignalRules, anchor Day?, coverage.
extension SignalsReply: WireMessage {
    public static var messageType: MessageType { .signalsReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            flagged: try payload.readWire(),
            rules: try payload.readWire(),
            anchor: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(flagged)
        buffer.writeWire(rules)
        buffer.writeWire(anchor)
        buffer.writeWire(coverage)
    }
}
