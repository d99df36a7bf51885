extension LZ4 {
    /// The most bytes `prefixing(_:toBlock:into:)` writes for a prefix and a block of these sizes.
    public static func prefixedBlockBound(prefix: Int, block: Int) -> Int {
        precondition(prefix >= 0 && block >= 0, "sizes must not be negative")
        return block + prefix + prefix / 255 + 2
    }

    /// The part of `block` that `prefixing` rewrites: its first token and literal-length bytes (`head`, the offset
    /// of the first literal); everything from there on is copied verbatim. Also the first sequence's literal count.
    ///
    /// - Throws: `DecompressionError` when `block` is empty or its first literal count runs past its end.
    public static func firstLiterals(ofBlock block: UnsafeRawBufferPointer) throws(DecompressionError) -> (
        head: Int, count: Int
    ) {
        guard let source = block.baseAddress, block.count > 0 else { throw DecompressionError() }
        let token = source.load(as: UInt8.self)
        var literals = Int(token >> 4)
        var read = 1
        if literals == 15 {
            while true {
                guard read < block.count else { throw DecompressionError() }
                let byte = source.load(fromByteOffset: read, as: UInt8.self)
                read += 1
                literals += Int(byte)
                if byte != 255 { break }
            }
        }
        guard block.count - read >= literals else { throw DecompressionError() }
        return (read, literals)
    }

    /// Writes to `destination` an LZ4 block that decompresses to `prefix` followed by what `block` decompresses to,
    /// without decompressing `block`, and returns the bytes written (at most `prefixedBlockBound`).
    ///
    /// An LZ4 block is a series of sequences, each a token, literals and then a match that refers back by
    /// distance; only the first sequence's literal count changes when literals are put in front, and no distance
    /// does. So the new block is the first token with the larger count, the prefix, and the old block from its
    /// first literal on. This is how a prepared, compressed ingest batch gets its per-send request header (producer,
    /// sequence, map version) in front without being compressed again.
    ///
    /// - Throws: `DecompressionError` when `block` is empty or its first literal count runs past its end (a block
    ///   that is damaged further on is passed through, and refused where it is decompressed).
    public static func prefixing(
        _ prefix: UnsafeRawBufferPointer,
        toBlock block: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawBufferPointer
    ) throws(DecompressionError) -> Int {
        let (read, literals) = try firstLiterals(ofBlock: block)
        precondition(
            destination.count >= prefixedBlockBound(prefix: prefix.count, block: block.count),
            "destination too small for the prefixed block"
        )
        let token = block.load(as: UInt8.self)

        let out = destination.baseAddress!
        var written = 0
        func put(_ byte: UInt8) {
            out.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
            written += 1
        }
        let total = literals + prefix.count
        put(UInt8(min(total, 15)) << 4 | token & 0x0F)
        if total >= 15 {
            var rest = total - 15
            while rest >= 255 {
                put(255)
                rest -= 255
            }
            put(UInt8(rest))
        }
        if let start = prefix.baseAddress {
            (out + written).copyMemory(from: start, byteCount: prefix.count)
            written += prefix.count
        }
        (out + written).copyMemory(from: block.baseAddress! + read, byteCount: block.count - read)
        return written + block.count - read
    }
}
