import NIOCore

/// Hand-built and hand-parsed HTTP/2 frames (RFC 9113 §4.1), independent of libnghttp2, for the malformed
/// input it must survive and for checking exactly what the server sent.
struct RawFrame: Equatable {
    var type: UInt8
    var flags: UInt8
    var stream: UInt32
    var payload: [UInt8]

    static let data: UInt8 = 0x0
    static let headers: UInt8 = 0x1
    static let rstStream: UInt8 = 0x3
    static let settings: UInt8 = 0x4
    static let ping: UInt8 = 0x6
    static let goAway: UInt8 = 0x7
    static let windowUpdate: UInt8 = 0x8

    var bytes: [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + withUnsafeBytes(of: (stream & 0x7FFF_FFFF).bigEndian, Array.init) + payload
    }

    /// The error code of a GOAWAY or RST_STREAM frame.
    var errorCode: UInt32? {
        switch type {
        case Self.goAway: return Self.uint32(payload, at: 4)
        case Self.rstStream: return Self.uint32(payload, at: 0)
        default: return nil
        }
    }

    /// The increment of a WINDOW_UPDATE frame.
    var windowIncrement: UInt32? { type == Self.windowUpdate ? Self.uint32(payload, at: 0) & 0x7FFF_FFFF : nil }

    static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Splits a byte stream into frames; a trailing partial frame is left out.
    static func parse(_ bytes: [UInt8]) -> [RawFrame] {
        var frames: [RawFrame] = []
        var offset = 0
        while bytes.count - offset >= 9 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard bytes.count - offset >= 9 + length else { break }
            frames.append(
                RawFrame(
                    type: bytes[offset + 3],
                    flags: bytes[offset + 4],
                    stream: uint32(bytes, at: offset + 5) & 0x7FFF_FFFF,
                    payload: Array(bytes[offset + 9..<offset + 9 + length])
                )
            )
            offset += 9 + length
        }
        return frames
    }
}

/// The client connection preface.
let clientPreface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
