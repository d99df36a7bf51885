import LZ4
import NIOCore

extension ByteBuffer {
    /// The readable bytes, one LZ4 block, decompressed into a new buffer of exactly `length` bytes; the caller has
    /// checked `length` against its limits first.
    func lz4Decompressed(length: Int, allocator: ByteBufferAllocator) throws(WireError) -> ByteBuffer {
        var payload = allocator.buffer(capacity: length)
        do {
            try payload.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
                try withUnsafeReadableBytes { source in
                    try LZ4.decompress(
                        source,
                        into: UnsafeMutableRawBufferPointer(start: destination.baseAddress, count: length)
                    )
                }
                return length
            }
        } catch {
            throw .decompressionFailed
        }
        return payload
    }
}
