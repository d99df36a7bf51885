/// Size limits and the compression policy of a frame codec.
public struct FrameLimits: Sendable, Hashable {
    /// The largest payload accepted or sent, checked against both the wire length and the uncompressed length
    /// before any payload byte is buffered. Capped at `UInt32.max` by the header's field width.
    public var maxPayloadBytes: Int
    /// Payloads of at least this many bytes are sent LZ4-compressed when that makes them smaller; below it the
    /// compression attempt costs more than the bytes it could save.
    public var compressionThreshold: Int
    /// liblz4's acceleration: 1 is its default compressor; higher values skip more of the match search, faster and
    /// with a lower ratio. Only the sender chooses: every setting gives ordinary LZ4 blocks.
    ///
    /// Ingest batches are mostly fixed-width records of 64-bit counts and digests, which LZ4 shrinks little at any
    /// setting (measured on 8,192-event batches: to 64% at 1, 500 MB/s; to 78% at 8, 730 MB/s; to 88% at 16,
    /// 1 GB/s). At the default of 1 compressing took a third of the replayer's CPU time; 8 keeps most of the
    /// saving in bytes (on the wire and in the write-ahead log) for two thirds of the time.
    public var compressionAcceleration: Int

    /// 16 MiB payloads, compression from 1 KiB at acceleration 8.
    public static let `default` = FrameLimits()

    public init(maxPayloadBytes: Int = 16 << 20, compressionThreshold: Int = 1024, compressionAcceleration: Int = 8) {
        self.maxPayloadBytes = maxPayloadBytes
        self.compressionThreshold = compressionThreshold
        self.compressionAcceleration = compressionAcceleration
    }

    /// The limit as applied: the header cannot express more than `UInt32.max` bytes.
    var effectiveMaxPayloadBytes: Int { max(0, min(maxPayloadBytes, Int(UInt32.max))) }
}
