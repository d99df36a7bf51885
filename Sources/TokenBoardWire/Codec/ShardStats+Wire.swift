import NIOCore
import TokenBoardCore

/// employees, events, batches, cells as u64, then newestDay and oldestDay as optional days, then logBytes, duplicateEvents u64 and
/// snapshotMillis i64.
extension ShardStats: WireCodable {
    static var minimumWireSize: Int { 32 + 2 + 24 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            employees: try buffer.readWire(),
            events: try buffer.readWire(),
            batches: try buffer.readWire(),
            cells: try buffer.readWire(),
            newestDay: try buffer.readWire(),
            oldestDay: try buffer.readWire(),
            logBytes: try buffer.readWire(),
            duplicateEvents: try buffer.readWire(),
            snapshotMillis: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(employees, events, batches, cells, endianness: .little)
        buffer.writeWire(newestDay)
        buffer.writeWire(oldestDay)
        buffer.writeMultipleIntegers(logBytes, duplicateEvents, snapshotMillis, endianness: .little)
    }
}
