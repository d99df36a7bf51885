import NIOHTTP1

/// The bearer tokens `POST /v1/events` accepts. The board ranks people by what they spend, so letting anyone who
/// can reach the coordinator post events would let anyone climb it (or charge a colleague's budget); gateways
/// that report usage present a token: `Authorization: Bearer TOKEN`. Several tokens may be valid at once, so a
/// token can be rotated without a moment where the gateways are refused.
public struct IngestTokens: Sendable {
    /// Tokens are 16 to 256 printable ASCII characters without spaces: long enough not to be guessed.
    public static let lengths = 16...256

    private let tokens: [[UInt8]]

    /// Tokens from a file's text: one per line; blank lines and lines starting with `#` are ignored.
    public init(fileText: String, file: String) throws(IngestTokensError) {
        var tokens: [[UInt8]] = []
        for (index, raw) in fileText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = Self.trimmed(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard Self.lengths.contains(line.utf8.count), line.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw IngestTokensError(
                    "\(file):\(index + 1): a token must be \(Self.lengths.lowerBound) to \(Self.lengths.upperBound) printable ASCII characters without spaces"
                )
            }
            tokens.append(Array(line.utf8))
        }
        guard !tokens.isEmpty else { throw IngestTokensError("\(file) holds no token") }
        self.tokens = tokens
    }

    /// Throws 401 unless `headers` carry `Authorization: Bearer` with one of the tokens.
    func authorize(_ headers: HTTPHeaders) throws(APIError) {
        guard let value = headers.first(name: "authorization") else {
            throw .unauthorized("POST /v1/events needs an Authorization: Bearer token")
        }
        let scheme = "bearer "
        guard value.utf8.count > scheme.utf8.count, value.lowercased().hasPrefix(scheme) else {
            throw .unauthorized("the Authorization header must be Bearer TOKEN")
        }
        let presented = Array(value.utf8.dropFirst(scheme.utf8.count))
        // Every token is compared in full whatever matches, so the time taken tells nothing about a token.
        var matched = false
        for token in tokens where Self.equalInConstantTime(token, presented) { matched = true }
        guard matched else { throw .unauthorized("the bearer token is not one this coordinator accepts") }
    }

    /// A line without the spaces, tabs and carriage returns around it.
    private static func trimmed(_ line: Substring) -> String {
        let blank: Set<Character> = [" ", "\t", "\r"]
        var view = line
        while let first = view.first, blank.contains(first) { view = view.dropFirst() }
        while let last = view.last, blank.contains(last) { view = view.dropLast() }
        return String(view)
    }

    private static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

/// A tokens file that cannot be used, with the reason.
public struct IngestTokensError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
}
