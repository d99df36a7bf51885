import NIOCore
import TokenBoardCore

/// host string, port u16.
extension Endpoint: WireCodable {
    static var minimumWireSize: Int { 4 + 2 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(host: try buffer.readWire(), port: Int(try buffer.readWireInteger(UInt16.self)))
    }

    /// A port outside 0...65535 is not a port; it is clamped rather than wrapped so it cannot alias a real one.
    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(host)
        buffer.writeInteger(UInt16(clamping: port), endianness: .little)
    }
}
