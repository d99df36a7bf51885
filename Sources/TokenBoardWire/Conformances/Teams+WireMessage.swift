import NIOCore
import TokenBoardCore

/// window, anchor Day.
extension EntriesQuery: WireMessage {
    public static var messageType: MessageType { .entriesQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(window: try payload.readWire(), anchor: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
    }
}

/// entries array<RankedEmployee>, mapVersion u64.
extension EntriesReply: WireMessage {
    public static var messageType: MessageType { .entriesReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(entries: try payload.readWire(), mapVersion: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(entries)
        buffer.writeWire(mapVersion)
    }
}

/// window, anchor Day?, grouping u8, metric, employee optional<string>, allowPartial bool.
extension TeamsQuery: WireMessage {
    public static var messageType: MessageType { .teamsQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            window: try payload.readWire(),
            anchor: try payload.readWire(),
            grouping: try payload.readWire(),
            metric: try payload.readWire(),
            employee: try payload.readWire(),
            allowPartial: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(window)
        buffer.writeWire(anchor)
        buffer.writeWire(grouping)
        buffer.writeWire(metric)
        buffer.writeWire(employee)
        buffer.writeWire(allowPartial)
    }
}

/// groups array<GroupUsage>, standing optional<TeamStanding>, unassignedEmployees u64, directoryEmployees u64,
/// anchor Day?, coverage.
extension TeamsReply: WireMessage {
    public static var messageType: MessageType { .teamsReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            groups: try payload.readWire(),
            standing: try payload.readWire(),
            unassignedEmployees: try payload.readWire(),
            directoryEmployees: try payload.readWire(),
            anchor: try payload.readWire(),
            coverage: try payload.readWire()
        )
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(groups)
        buffer.writeWire(standing)
        buffer.writeMultipleIntegers(unassignedEmployees, directoryEmployees, endianness: .little)
        buffer.writeWire(anchor)
        buffer.writeWire(coverage)
    }
}

/// anchor Day?, allowPartial bool.
extension BudgetsQuery: WireMessage {
    public static var messageType: MessageType { .budgetsQuery }

    public init(from payload: inout ByteBuffer) throws {
        self.init(anchor: try payload.readWire(), allowPartial: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(anchor)
        buffer.writeWire(allowPartial)
    }
}

/// lines array<BudgetLine>, anchor Day?, coverage.
extension BudgetsReply: WireMessage {
    public static var messageType: MessageType { .budgetsReply }

    public init(from payload: inout ByteBuffer) throws {
        self.init(lines: try payload.readWire(), anchor: try payload.readWire(), coverage: try payload.readWire())
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeWire(lines)
        buffer.writeWire(anchor)
        buffer.writeWire(coverage)
    }
}
