import NIOCore
import TokenBoardCore

/// input, output, cacheWrite, cacheRead: four u64.
extension TokenCounts: WireCodable {
    static var minimumWireSize: Int { 32 }

    init(wire buffer: inout ByteBuffer) throws(WireError) {
        guard
            let (input, output, cacheWrite, cacheRead) = buffer.readMultipleIntegers(
                endianness: .little,
                as: (UInt64, UInt64, UInt64, UInt64).self
            )
        else { throw .truncated("token counts", needed: 32, remaining: buffer.readableBytes) }
        self.init(input: input, output: output, cacheWrite: cacheWrite, cacheRead: cacheRead)
    }

    func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(input, output, cacheWrite, cacheRead, endianness: .little)
    }
}
