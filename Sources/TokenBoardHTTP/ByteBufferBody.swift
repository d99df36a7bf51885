import NGHTTP2
import NIOCore

/// A response body held in a `ByteBuffer`, pulled by the HTTP/2 session as the peer's windows allow.
final class ByteBufferBody: OutgoingBody {
    private var buffer: ByteBuffer

    init(_ buffer: ByteBuffer) { self.buffer = buffer }

    func read(into destination: UnsafeMutableRawBufferPointer) -> (count: Int, isLast: Bool)? {
        let count = min(destination.count, buffer.readableBytes)
        buffer.withUnsafeReadableBytes { source in
            destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<count]))
        }
        buffer.moveReaderIndex(forwardBy: count)
        return (count, buffer.readableBytes == 0)
    }
}
