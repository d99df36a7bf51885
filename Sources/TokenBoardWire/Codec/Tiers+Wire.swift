import NIOCore
import TokenBoardCore

/// The raw value as u8; 0 bronze … 4 emerald.
extension Tier: WireCodable {
    static var minimumWireSize: Int { 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let raw = try buffer.readWireInteger(UInt8.self)
        guard let tier = Tier(rawValue: raw) else { throw .malformedPayload("unknown tier \(raw)") }
        self = tier
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(rawValue) }
}

/// tier u8, rule string, floor optional<u64>, employees u64.
extension TierLevel: WireCodable {
    static var minimumWireSize: Int { 1 + 4 + 1 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            tier: try buffer.readWire(),
            rule: try buffer.readWire(),
            floor: try buffer.readWire(),
            employees: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(tier)
        buffer.writeWire(rule)
        buffer.writeWire(floor)
        buffer.writeWire(employees)
    }
}

/// metric u8, levels array<TierLevel> (highest tier first), activeEmployees u64.
extension TierCutoffs: WireCodable {
    static var minimumWireSize: Int { 1 + 4 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            metric: try buffer.readWire(),
            levels: try buffer.readWire(),
            activeEmployees: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(metric)
        buffer.writeWire(levels)
        buffer.writeWire(activeEmployees)
    }
}
