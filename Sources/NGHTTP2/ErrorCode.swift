import CNghttp2

/// An HTTP/2 error code, as carried by RST_STREAM and GOAWAY frames (RFC 9113 §7).
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noError = ErrorCode(rawValue: NGHTTP2_NO_ERROR.rawValue)
    public static let protocolError = ErrorCode(rawValue: NGHTTP2_PROTOCOL_ERROR.rawValue)
    public static let internalError = ErrorCode(rawValue: NGHTTP2_INTERNAL_ERROR.rawValue)
    public static let flowControlError = ErrorCode(rawValue: NGHTTP2_FLOW_CONTROL_ERROR.rawValue)
    public static let streamClosed = ErrorCode(rawValue: NGHTTP2_STREAM_CLOSED.rawValue)
    public static let frameSizeError = ErrorCode(rawValue: NGHTTP2_FRAME_SIZE_ERROR.rawValue)
    public static let refusedStream = ErrorCode(rawValue: NGHTTP2_REFUSED_STREAM.rawValue)
    public static let cancel = ErrorCode(rawValue: NGHTTP2_CANCEL.rawValue)
    public static let compressionError = ErrorCode(rawValue: NGHTTP2_COMPRESSION_ERROR.rawValue)
    public static let enhanceYourCalm = ErrorCode(rawValue: NGHTTP2_ENHANCE_YOUR_CALM.rawValue)

    public var description: String {
        String(cString: nghttp2_http2_strerror(rawValue))
    }
}

/// A failure reported by libnghttp2 itself (a negative return code).
public struct SessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libnghttp2's error code (`nghttp2_error`).
    public var code: Int32
    /// What the library said, including the detail of the last connection error it reported.
    public var message: String

    init(code: Int32, detail: String? = nil) {
        self.code = code
        let text = String(cString: nghttp2_strerror(code))
        self.message = detail.map { "\(text): \($0)" } ?? text
    }

    /// The peer did not start with the HTTP/2 client connection preface.
    public var isBadClientMagic: Bool { code == NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue }

    public var description: String { "nghttp2 error \(code): \(message)" }
}
