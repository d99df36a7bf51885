import NIOCore

/// code u16, mapVersion u64, message string.
extension ErrorMessage: WireMessage {
    public static var messageType: MessageType { .error }

    public init(from payload: inout ByteBuffer) throws {
        self.init(
            code: Code(rawValue: try payload.readWireInteger()),
            mapVersion: try payload.readWire(),
            message: try payload.readWire()
        )
    }

    private init(code: Code, mapVersion: UInt64, message: String) {
        self.init(code: code, message: message, mapVersion: mapVersion)
    }

    /// A message longer than a payload string may be is cut at a Unicode scalar boundary: error texts can quote
    /// peer input, and an error frame the peer refuses would hide the error.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(code.rawValue, mapVersion, endianness: .little)
        guard message.utf8.count > maxWireStringBytes else {
            buffer.writeWire(message)
            return
        }
        let scalars = message.unicodeScalars
        var end = message.utf8.index(message.utf8.startIndex, offsetBy: maxWireStringBytes)
        while end.samePosition(in: scalars) == nil {
            end = message.utf8.index(before: end)
        }
        buffer.writeWire(String(scalars[..<end]))
    }
}
