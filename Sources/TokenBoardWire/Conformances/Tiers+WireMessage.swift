import NIOCore
import TokenBoardCore

/// window, anchor Day, metric, thresholds array<u64> (at most `maxThresholds`).
extension ScoreCountQuery: WireMessage {
    public static var messageType: MessageType { .scoreCountQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            window: try payload.readWire(),
            anchor: try payload.readWire(),
            metric: try payload.readWire(),
            thresholds: try payload.readWire()
        )
        guard thresholds.count <= Self.maxThresholds else {
            throw WireError.malformedPayload("\(thresholds.count) thresholds; at most \(Self.maxThresholds)")
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(metric)
        buffer.writeWire(thresholds)
    }
}

/// activeEmployees u64, counts array<u64>, mapVersion u64.
extension ScoreCountReply: WireMessage {
    public static var messageType: MessageType { .scoreCountReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            activeEmployees: try payload.readWire(),
            counts: try payload.readWire(),
            mapVersion: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(activeEmployees)
        buffer.writeWire(counts)
        buffer.writeWire(mapVersion)
    }
}

extension TiersQuery: WindowReportQuery {
    public static var messageType: MessageType { .tiersQuery }
}

/// cutoffs TierCutoffs, anchor Day?, coverage.
extension TiersReply: WireMessage {
    public static var messageType: MessageType { .tiersReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(cutoffs: try payload.readWire(), anchor: try payload.readWire(), coverage: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(cutoffs)
        buffer.writeWire(anchor)
        buffer.writeWire(coverage)
    }
}
