import NIOCore
import TokenBoardCore

extension TotalsQuery: WindowReportQuery {
    public static var messageType: MessageType { .totalsQuery }
}

/// models [LabeledUsage], totals, anchor Day?, newestDay Day?, coverage.
extension TotalsReply: WireMessage {
    public static var messageType: MessageType { .totalsReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            models: try payload.readWire(),
            totals: try payload.readWire(),
            anchor: try payload.readWire(),
            newestDay: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(models)
        buffer.writeWire(totals)
        buffer.writeWire(anchor)
        buffer.writeWire(newestDay)
        buffer.writeWire(coverage)
    }
}
