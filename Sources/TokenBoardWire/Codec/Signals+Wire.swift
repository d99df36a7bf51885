import NIOCore
import TokenBoardCore

/// employee string, idleSessions u32, aroundClockDays u32, tokens u64, output u64, cost u64.
extension FlaggedEmployee: WireCodable {
    static var minimumWireSize: Int { 4 + 4 + 4 + 24 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            employee: try buffer.readWire(),
            idleSessions: try buffer.readWire(),
            aroundClockDays: try buffer.readWire(),
            tokens: try buffer.readWire(),
            output: try buffer.readWire(),
            cost: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(employee)
        buffer.writeMultipleIntegers(idleSessions, aroundClockDays, endianness: .little)
        buffer.writeMultipleIntegers(tokens, output, cost, endianness: .little)
    }
}

/// idleMinRequests, idleMinMinutes, idleMaxOutputPerRequest, idleMaxCadenceSpreadPercent, aroundClockMinHours,
/// aroundClockMinDays: u64 each.
extension SignalRules: WireCodable {
    static var minimumWireSize: Int { 48 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            idleMinRequests: try buffer.readWire(),
            idleMinMinutes: try buffer.readWire(),
            idleMaxOutputPerRequest: try buffer.readWire(),
            idleMaxCadenceSpreadPercent: try buffer.readWire(),
            aroundClockMinHours: try buffer.readWire(),
            aroundClockMinDays: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(
            idleMinRequests,
            idleMinMinutes,
            idleMaxOutputPerRequest,
            idleMaxCadenceSpreadPercent,
            aroundClockMinHours,
            aroundClockMinDays,
            endianness: .little
        )
    }
}
