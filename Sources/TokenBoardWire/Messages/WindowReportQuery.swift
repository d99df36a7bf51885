import NIOCore
import TokenBoardCore

/// A question to the coordinator about one window — the company's spend, who is flagged, who holds each title,
/// where the tier floors lie — that names only the window, its anchor (nil: the newest day) and whether a partial
/// answer will do. Every such query has the same payload: window, anchor Day?, allowPartial bool.
public protocol WindowReportQuery: WireMessage {
    var window: Window { get }
    var anchor: Day? { get }
    var allowPartial: Bool { get }

    init(window: Window, anchor: Day?, allowPartial: Bool)
}

extension WindowReportQuery {
    public init(from payload: inout ByteBuffer) throws {
        self.init(window: try payload.readWire(), anchor: try payload.readWire(), allowPartial: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(allowPartial)
    }
}
