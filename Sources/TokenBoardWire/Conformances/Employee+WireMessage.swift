import NIOCore
import TokenBoardCore

/// employee string, window, anchor Day?, metric, allowPartial bool.
extension EmployeeQuery: WireMessage {
    public static var messageType: MessageType { .employeeQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            employee: try payload.readWire(),
            window: try payload.readWire(),
            anchor: try payload.readWire(),
            metric: try payload.readWire(),
            allowPartial: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(employee)
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(metric)
        buffer.writeWire(allowPartial)
    }
}

/// usage EmployeeUsage?, rank u64, activeEmployees u64, anchor Day?, newestDay Day?, coverage.
extension EmployeeReply: WireMessage {
    public static var messageType: MessageType { .employeeReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            usage: try payload.readWire(),
            rank: try payload.readWire(),
            activeEmployees: try payload.readWire(),
            anchor: try payload.readWire(),
            newestDay: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(usage)
        buffer.writeMultipleIntegers(rank, activeEmployees, endianness: .little)
        buffer.writeWire(anchor)
        buffer.writeWire(newestDay)
        buffer.writeWire(coverage)
    }
}

/// employee string, score u64, window, anchor Day, metric.
extension RankQuery: WireMessage {
    public static var messageType: MessageType { .rankQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            employee: try payload.readWire(),
            score: try payload.readWire(),
            window: try payload.readWire(),
            anchor: try payload.readWire(),
            metric: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(employee)
        buffer.writeWire(score)
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(metric)
    }
}

/// ahead u64, activeEmployees u64, mapVersion u64.
extension RankReply: WireMessage {
    public static var messageType: MessageType { .rankReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            ahead: try payload.readWire(),
            activeEmployees: try payload.readWire(),
            mapVersion: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(ahead, activeEmployees, mapVersion, endianness: .little)
    }
}
