import NIOCore
import TokenBoardCore

// Usage summaries: the rows of every query reply.

/// employee string, counts, cost u64, unpricedTokens u64.
extension RankedEmployee: WireCodable {
    static var minimumWireSize: Int { 4 + 32 + 8 + 8 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            employee: try buffer.readWire(),
            counts: try buffer.readWire(),
            cost: try buffer.readWire(),
            unpricedTokens: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(employee)
        buffer.writeWire(counts)
        buffer.writeMultipleIntegers(cost, unpricedTokens, endianness: .little)
    }
}

/// label string, counts, cost u64, priced bool, provider string.
extension LabeledUsage: WireCodable {
    static var minimumWireSize: Int { 4 + 32 + 8 + 1 + 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            label: try buffer.readWire(),
            counts: try buffer.readWire(),
            cost: try buffer.readWire(),
            priced: try buffer.readWire(),
            provider: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(label)
        buffer.writeWire(counts)
        buffer.writeWire(cost)
        buffer.writeWire(priced)
        buffer.writeWire(provider)
    }
}

/// counts, cost u64, unpricedTokens u64, activeEmployees u64.
extension WindowTotals: WireCodable {
    static var minimumWireSize: Int { 32 + 24 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            counts: try buffer.readWire(),
            cost: try buffer.readWire(),
            unpricedTokens: try buffer.readWire(),
            activeEmployees: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(counts)
        buffer.writeMultipleIntegers(cost, unpricedTokens, activeEmployees, endianness: .little)
    }
}

/// summary RankedEmployee, byModel, byTool and byDay as arrays of LabeledUsage.
extension EmployeeUsage: WireCodable {
    static var minimumWireSize: Int { RankedEmployee.minimumWireSize + 3 * 4 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        self.init(
            summary: try buffer.readWire(),
            byModel: try buffer.readWire(),
            byTool: try buffer.readWire(),
            byDay: try buffer.readWire()
        )
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(summary)
        buffer.writeWire(byModel)
        buffer.writeWire(byTool)
        buffer.writeWire(byDay)
    }
}
