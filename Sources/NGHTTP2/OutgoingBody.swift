/// The body of a message being sent, pulled by the session as flow control allows. The session keeps it until
/// the last byte is sent or the stream closes.
public protocol OutgoingBody: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer`. Returns how many were copied and whether they are the
    /// last; `nil` means no bytes are ready yet (call `Session.resume(streamID:)` once some are).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, isLast: Bool)?
}

/// A body held in memory as bytes.
public final class BytesBody: OutgoingBody {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, isLast: Bool)? {
        let count = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return (count, offset == bytes.count)
    }
}
