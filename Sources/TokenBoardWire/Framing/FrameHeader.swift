/// The v1 frame header: 28 bytes, little-endian, followed by `payloadLength` payload bytes.
///
///     offset  size  field
///          0     4  magic               0x314B4254, the bytes "TBK1"
///          4     1  version             1
///          5     1  type                `MessageType` raw value (unknown values still frame fine)
///          6     2  flags               bit 0: payload is one LZ4 block; bits 1-15 must be 0 in v1
///          8     8  requestID           chosen by the requester, echoed by the reply
///         16     4  payloadLength       payload bytes on the wire
///         20     4  uncompressedLength  payload bytes after decompression (= payloadLength when not compressed)
///         24     4  crc32c              CRC-32C of the payload bytes as on the wire
///
/// Magic and version come first so a peer of another protocol or version is refused after five bytes; both lengths
/// precede the payload so a frame can be refused before its payload is buffered.
enum FrameHeader {
    static let magic: UInt32 = 0x314B_4254
    static let version: UInt8 = 1
    static let size = 28

    static let compressedFlag: UInt16 = 1
    static let knownFlags: UInt16 = compressedFlag

    // Field offsets, for the decoder's incremental checks and the encoder's back-patching.
    static let versionOffset = 4
    static let typeOffset = 5
    static let flagsOffset = 6
    static let requestIDOffset = 8
    static let payloadLengthOffset = 16
    static let uncompressedLengthOffset = 20
    static let checksumOffset = 24

    /// LZ4 expands one input byte to at most 255 output bytes, so a larger declared ratio is a forgery; refusing
    /// it early keeps a 20-byte frame from making the node allocate megabytes.
    static let maxCompressionRatio = 255
}
