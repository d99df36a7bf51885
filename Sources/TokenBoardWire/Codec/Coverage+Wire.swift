import NIOCore

/// mapVersion u64, shardsTotal u32, answered and missing as arrays of strings.
extension Coverage: WireCodable {
    static var minimumWireSize: Int { 8 + 4 + 4 + 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            mapVersion: try buffer.readWire(),
            shardsTotal: try buffer.readWire(),
            answered: try buffer.readWire(),
            missing: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(mapVersion, shardsTotal, endianness: .little)
        buffer.writeWire(answered)
        buffer.writeWire(missing)
    }
}
