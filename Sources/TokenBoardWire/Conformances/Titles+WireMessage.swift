import NIOCore
import TokenBoardCore

/// window, anchor Day, rules TitleRules.
extension TitleCandidatesQuery: WireMessage {
    public static var messageType: MessageType { .titleCandidatesQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(window: try payload.readWire(), anchor: try payload.readWire(), rules: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(rules)
    }
}

/// candidates array<TitleHolder>, mapVersion u64.
extension TitleCandidatesReply: WireMessage {
    public static var messageType: MessageType { .titleCandidatesReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(candidates: try payload.readWire(), mapVersion: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(candidates)
        buffer.writeWire(mapVersion)
    }
}

extension TitlesQuery: WindowReportQuery {
    public static var messageType: MessageType { .titlesQuery }
}

/// holders array<TitleHolder>, rules TitleRules, anchor Day?, coverage.
extension TitlesReply: WireMessage {
    public static var messageType: MessageType { .titlesReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            holders: try payload.readWire(),
            rules: try payload.readWire(),
            anchor: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(holders)
        buffer.writeWire(rules)
        buffer.writeWire(anchor)
        buffer.writeWire(coverage)
    }
}
