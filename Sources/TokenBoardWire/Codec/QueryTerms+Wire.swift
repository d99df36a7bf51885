import NIOCore
import TokenBoardCore

// The scalar terms of queries: days, windows and ranking metrics.

/// Days since 1970-01-01 as i32.
extension Day: WireCodable {
    static var minimumWireSize: Int { 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(number: try buffer.readWireInteger(Int32.self))
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(number, endianness: .little) }
}

/// `Window.wireDays` as u32: 0 for all time, else 1 through `Window.maxDays`.
extension Window: WireCodable {
    static var minimumWireSize: Int { 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let days = try buffer.readWireInteger(UInt32.self)
        guard let window = Window(wireDays: days) else {
            throw .malformedPayload("window of \(days) days is out of range (0 or 1...\(Window.maxDays))")
        }
        self = window
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(wireDays, endianness: .little) }
}

/// The raw value as u8.
extension RankingMetric: WireCodable {
    static var minimumWireSize: Int { 1 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let raw = try buffer.readWireInteger(UInt8.self)
        guard let metric = RankingMetric(rawValue: raw) else {
            throw .malformedPayload("unknown ranking metric \(raw)")
        }
        self = metric
    }

    func write(to buffer: inout ByteBuffer) { buffer.writeInteger(rawValue) }
}
