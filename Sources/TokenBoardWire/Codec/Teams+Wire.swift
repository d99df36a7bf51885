import NIOCore
import TokenBoardCore

/// The raw value as u8: 0 team, 1 org.
extension Grouping: WireCodable {
    static var minimumWireSize: Int { 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let raw = try buffer.readWireInteger(UInt8.self)
        guard let grouping = Grouping(rawValue: raw) else { throw .malformedPayload("unknown grouping \(raw)") }
        self = grouping
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(rawValue) }
}

/// summary RankedEmployee (the group's name as employee), members u64.
extension GroupUsage: WireCodable {
    static var minimumWireSize: Int { RankedEmployee.minimumWireSize + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(summary: try buffer.readWire(), members: try buffer.readWire())
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(summary)
        buffer.writeWire(members)
    }
}

/// team string, org string, manager string, rank u64, members u64.
extension TeamStanding: WireCodable {
    static var minimumWireSize: Int { 4 + 4 + 4 + 8 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            team: try buffer.readWire(),
            org: try buffer.readWire(),
            manager: try buffer.readWire(),
            rank: try buffer.readWire(),
            members: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(team)
        buffer.writeWire(org)
        buffer.writeWire(manager)
        buffer.writeMultipleIntegers(rank, members, endianness: .little)
    }
}

/// scope u8 (0 employee, 1 team), name string, budget u64, cost u64.
extension BudgetLine: WireCodable {
    static var minimumWireSize: Int { 1 + 4 + 8 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let raw = try buffer.readWireInteger(UInt8.self)
        guard let scope = BudgetLine.Scope(rawValue: raw) else {
            throw .malformedPayload("unknown budget scope \(raw)")
        }
        self.init(scope: scope, name: try buffer.readWire(), budget: try buffer.readWire(), cost: try buffer.readWire())
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(scope.rawValue)
        buffer.writeWire(name)
        buffer.writeMultipleIntegers(budget, cost, endianness: .little)
    }
}
