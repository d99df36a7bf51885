import NIOCore
import TokenBoardCore

/// employees, events, batches, cells as u64, then newestDay and oldestDay as optional days, then logBytes u64.
extension ShardStats: WireCodable {
    static var minimumWireSize: Int { 32 + 2 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            employees: try buffer.readWire(),
            events: try buffer.readWire(),
            batches: try buffer.readWire(),
            cells: try buffer.readWire(),
            newestDay: try buffer.readWire(),
            oldestDay: try buffer.readWire(),
            logBytes: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(employees, events, batches, cells, endianness: .little)
        buffer.writeWire(newestDay)
        buffer.writeWire(oldestDay)
        buffer.writeInteger(logBytes, endianness: .little)
    }
}
