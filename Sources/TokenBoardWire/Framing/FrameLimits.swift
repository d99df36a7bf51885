/// Size limits and the compression policy of a frame codec.
public struct FrameLimits: Sendable, Hashable {
    /// The largest payload accepted or sent, checked against both the wire length and the uncompressed length
    /// before any payload byte is buffered. Capped at `UInt32.max` by the header's field width.
    public var maxPayloadBytes: Int
    /// Payloads of at least this many bytes are sent LZ4-compressed when that makes them smaller; below it the
    /// compression attempt costs more than the bytes it could save.
    public var compressionThreshold: Int

    /// 16 MiB payloads, compression from 1 KiB.
    public static let `default` = FrameLimits()

    public init(maxPayloadBytes: Int = 16 << 20, compressionThreshold: Int = 1024) {
        self.maxPayloadBytes = maxPayloadBytes
        self.compressionThreshold = compressionThreshold
    }

    /// The limit as applied: the header cannot express more than `UInt32.max` bytes.
    var effectiveMaxPayloadBytes: Int { max(0, min(maxPayloadBytes, Int(UInt32.max))) }
}
