/// Why bytes from a peer were refused. Framing errors (everything but `malformedPayload` and
/// `unexpectedMessage`) leave the byte stream unusable, so the connection is closed after them.
public enum WireError: Error, Hashable, CustomStringConvertible {
    /// The first four bytes of a frame were not `TBK1`: the peer does not speak this protocol.
    case badMagic(UInt32)
    /// The frame's version byte names a protocol version this build does not speak.
    case unsupportedVersion(UInt8)
    /// A declared length (on the wire or uncompressed) exceeds the limit; nothing was allocated for it.
    case payloadTooLarge(Int, limit: Int)
    /// The payload's CRC-32C does not match the header: `expected` is the header's value, `actual` the computed one.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// An LZ4 block did not expand to exactly the header's uncompressed length.
    case decompressionFailed
    /// The frame or its payload is structurally wrong (unknown flag bits, inconsistent lengths, truncated fields,
    /// impossible counts, invalid UTF-8, unknown enum values, trailing bytes).
    case malformedPayload(String)
    /// A reply of another type arrived than the one the request expects.
    case unexpectedMessage(expected: MessageType, got: UInt8)
    /// The connection ended with requests in flight, or in the middle of a frame.
    case connectionClosed

    public var description: String {
        switch self {
        case .badMagic(let magic):
            return "bad frame magic 0x\(String(magic, radix: 16)) (expected 0x\(String(FrameHeader.magic, radix: 16)))"
        case .unsupportedVersion(let version):
            return "unsupported protocol version \(version) (this node speaks \(FrameHeader.version))"
        case .payloadTooLarge(let length, let limit):
            return "payload of \(length) bytes exceeds the limit of \(limit) bytes"
        case .checksumMismatch(let expected, let actual):
            return
                "payload checksum mismatch: header says 0x\(String(expected, radix: 16)), payload has 0x\(String(actual, radix: 16))"
        case .decompressionFailed:
            return "LZ4 payload is corrupt or does not expand to the declared length"
        case .malformedPayload(let reason):
            return "malformed payload: \(reason)"
        case .unexpectedMessage(let expected, let got):
            let name = MessageType(rawValue: got).map { "\($0)" } ?? "unknown type 0x\(String(got, radix: 16))"
            return "expected a \(expected) message, got \(name)"
        case .connectionClosed:
            return "connection closed"
        }
    }

    /// The ErrorMessage a node sends for this error: `.malformedFrame` when the byte stream itself is broken,
    /// `.malformedPayload` for a sound frame whose payload does not decode, `.unsupportedMessage` for a type the
    /// receiver did not expect.
    public var errorMessage: ErrorMessage {
        switch self {
        case .badMagic, .unsupportedVersion, .payloadTooLarge, .checksumMismatch, .decompressionFailed,
            .connectionClosed:
            return ErrorMessage(code: .malformedFrame, message: description)
        case .malformedPayload:
            return ErrorMessage(code: .malformedPayload, message: description)
        case .unexpectedMessage:
            return ErrorMessage(code: .unsupportedMessage, message: description)
        }
    }

    /// A field ended before its bytes did.
    static func truncated(_ what: String, needed: Int, remaining: Int) -> WireError {
        .malformedPayload("truncated \(what): needs \(needed) bytes, \(remaining) remain")
    }
}

/// A `WireError` caused by one identified request: `ProtocolErrorHandler` echoes `requestID` in the error frame
/// so the peer can tell which of its pipelined requests failed.
public struct RequestFailure: Error, Hashable, CustomStringConvertible {
    public var requestID: UInt64
    public var error: WireError

    public init(requestID: UInt64, error: WireError) {
        self.requestID = requestID
        self.error = error
    }

    public var description: String { "request \(requestID): \(error)" }
}
