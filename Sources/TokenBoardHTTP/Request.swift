import NIOCore
import NIOHTTP1

/// A request as the application sees it, whichever protocol (HTTP/2 or HTTP/1.1) brought it. The body is
/// complete: the transport collects it (within `ServerLimits.maxBodyBytes`) before the responder runs.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The request target as sent: path and query, still percent-encoded.
    public var target: String
    /// The path's segments, each percent-decoded (so an encoded `/` stays inside its segment).
    public var pathSegments: [String]
    /// The query's parameters, form-decoded; a repeated name keeps its last value.
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// `HTTP/2` or `HTTP/1.1`, for logs and metrics.
    public var version: HTTPVersion

    public init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders = [:],
        body: ByteBuffer = ByteBuffer(),
        version: HTTPVersion = .http1_1
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.version = version
        let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
        pathSegments = target[..<pathEnd].split(separator: "/", omittingEmptySubsequences: true).map {
            PercentDecoding.decode($0, plusIsSpace: false)
        }
        var query: [String: String] = [:]
        if pathEnd < target.endIndex {
            for pair in target[target.index(after: pathEnd)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = PercentDecoding.decode(parts[0], plusIsSpace: true)
                query[name] = parts.count > 1 ? PercentDecoding.decode(parts[1], plusIsSpace: true) : ""
            }
        }
        self.query = query
    }

    /// The path as `/a/b`, decoded; `/` for the root.
    public var path: String { "/" + pathSegments.joined(separator: "/") }
}

/// Decoding of `%XX` escapes (RFC 3986) and, in form-encoded queries, `+` as a space.
enum PercentDecoding {
    /// Decodes `text`; a malformed escape is kept as it is, and bytes that are not UTF-8 become U+FFFD.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) })
        else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
