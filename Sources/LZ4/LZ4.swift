import CLZ4

/// Block compression with liblz4. The only module that touches the C API: callers hand in Swift buffers and get
/// byte counts back, so no C pointer outlives a call.
public enum LZ4 {
    /// Raised when a compressed block is malformed or does not fit the expected size.
    public struct DecompressionError: Error, Equatable, CustomStringConvertible {
        public var description: String { "LZ4 block is malformed or its size does not match the frame header" }
        public init() {}
    }

    /// The largest input liblz4 accepts in one block.
    public static var maxInputSize: Int { Int(LZ4_MAX_INPUT_SIZE) }

    /// The worst-case compressed size of `count` bytes.
    public static func compressBound(_ count: Int) -> Int {
        precondition(count >= 0 && count <= maxInputSize, "LZ4 input too large")
        return Int(LZ4_compressBound(Int32(count)))
    }

    /// Compresses `source` into `destination` and returns the number of bytes written, or nil when the result
    /// does not fit into `destination` (callers then send the block uncompressed). `acceleration` trades ratio for
    /// speed (liblz4's "fast" mode: 1 is the default compressor, each step up skips more of the search); every
    /// setting produces ordinary LZ4 blocks that `decompress` reads.
    public static func compress(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer,
        acceleration: Int = 1
    ) -> Int? {
        guard source.count <= maxInputSize, let src = source.baseAddress, let dst = destination.baseAddress
        else { return nil }
        let written = LZ4_compress_fast(
            src.assumingMemoryBound(to: CChar.self),
            dst.assumingMemoryBound(to: CChar.self),
            Int32(source.count),
            Int32(clamping: destination.count),
            Int32(clamping: max(1, acceleration))
        )
        return written > 0 ? Int(written) : nil
    }

    /// Decompresses `source`, which must expand to exactly `destination.count` bytes.
    public static func decompress(
        _ source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer
    ) throws(DecompressionError) {
        if destination.count == 0 && source.count == 0 { return }
        guard let src = source.baseAddress, let dst = destination.baseAddress,
            source.count <= Int(Int32.max), destination.count <= Int(Int32.max)
        else { throw DecompressionError() }
        let produced = LZ4_decompress_safe(
            src.assumingMemoryBound(to: CChar.self),
            dst.assumingMemoryBound(to: CChar.self),
            Int32(source.count),
            Int32(destination.count)
        )
        guard produced == destination.count else { throw DecompressionError() }
    }

    /// Compresses a byte array; convenience for logs and tests.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: compressBound(bytes.count))
        let written = bytes.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in compress(src, into: dst) }
        }
        output.removeSubrange((written ?? 0)...)
        return output
    }

    /// Decompresses a byte array that expands to `originalSize` bytes.
    public static func decompress(_ bytes: [UInt8], originalSize: Int) throws(DecompressionError) -> [UInt8] {
        guard originalSize >= 0 else { throw DecompressionError() }
        var output = [UInt8](repeating: 0, count: originalSize)
        do {
            try bytes.withUnsafeBytes { src in
                try output.withUnsafeMutableBytes { dst in try decompress(src, into: dst) }
            }
        } catch let error as DecompressionError {
            throw error
        } catch {
            throw DecompressionError()
        }
        return output
    }
}
