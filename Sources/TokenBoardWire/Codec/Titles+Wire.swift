import NIOCore
import TokenBoardCore

/// title u8 (0 Token Legend, 1 Session Immortal, 2 Model Connoisseur, 3 Cache Wizard), employee string,
/// value u64, base u64.
extension TitleHolder: WireCodable {
    static var minimumWireSize: Int { 1 + 4 + 8 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        let raw = try buffer.readWireInteger(UInt8.self)
        guard let title = Title(rawValue: raw) else { throw .malformedPayload("unknown title \(raw)") }
        self.init(
            title: title,
            employee: try buffer.readWire(),
            value: try buffer.readWire(),
            base: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(title.rawValue)
        buffer.writeWire(employee)
        buffer.writeMultipleIntegers(value, base, endianness: .little)
    }
}

/// minTokensPerModel u64, minModelSharePercent u64, cacheWizardMinTokens u64.
extension TitleRules: WireCodable {
    static var minimumWireSize: Int { 24 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            minTokensPerModel: try buffer.readWire(),
            minModelSharePercent: try buffer.readWire(),
            cacheWizardMinTokens: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(
            minTokensPerModel,
            minModelSharePercent,
            cacheWizardMinTokens,
            endianness: .little
        )
    }
}
