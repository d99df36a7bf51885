#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension LogFormat {
    /// How much of a file detection looks at.
    static let detectionPrefix = 1 << 20
    /// How many non-blank lines detection tries before giving up.
    static let detectionLines = 100

    /// Tells a log's format from its content (docs/LOG-FORMAT.md): the binary magic, else the fields of the first
    /// JSON line that resembles one of the formats, among the first 100 non-blank lines of the first MiB. An
    /// empty (or blank) file is canonical: it holds no events in any format.
    public static func detect(path: String) throws -> LogFormat {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileError(path: path, operation: "open", code: errno) }
        defer { _ = closeDescriptor(fd) }
        var prefix = [UInt8](repeating: 0, count: detectionPrefix)
        var filled = 0
        while filled < prefix.count {
            let n = prefix.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n > 0 {
                filled += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw LogFileError(path: path, operation: "read", code: errno)
            }
        }
        let format = prefix.withUnsafeBytes { detect(prefix: UnsafeRawBufferPointer(rebasing: $0[0..<filled])) }
        guard let format else {
            throw LogOpenError(
                path: path,
                reason:
                    "cannot tell its format: none of its first lines looks like a canonical event (ts, employee), "
                    + "a Claude Code line (sessionId, message.usage), an OpenAI usage record (usage with "
                    + "prompt_tokens or input_tokens) or a Gemini response (usageMetadata); choose one with --format"
            )
        }
        return format
    }

    /// The format of a log that starts with `prefix`; nil when no line tells.
    static func detect(prefix: UnsafeRawBufferPointer) -> LogFormat? {
        let magic = BinaryLogLayout.fileMagic
        if prefix.count >= magic.count && prefix.prefix(magic.count).elementsEqual(magic) { return .binary }
        var lines = 0
        var start = 0
        var sawContent = false
        while start < prefix.count && lines < detectionLines {
            var end = start
            while end < prefix.count && prefix[end] != 0x0A { end += 1 }
            let line = UnsafeRawBufferPointer(rebasing: prefix[start..<end])
            start = end + 1
            let shape = LineShape(line)
            if shape.blank { continue }
            sawContent = true
            lines += 1
            if let format = shape.format { return format }
        }
        return sawContent ? nil : .canonical
    }
}

/// The keys of one line that tell the formats apart, read as far as the line is valid JSON (a line cut off at
/// the end of the detection window still tells by the keys before the cut).
private struct LineShape {
    var blank = false
    var employee = false
    var ts = false
    var claudeKey = false
    var message = false
    var messageUsage = false
    var openAIUsage = false
    var geminiUsage = false
    var topPrompt = false
    var topInput = false
    var topOutput = false

    init(_ line: UnsafeRawBufferPointer) {
        guard let base = line.baseAddress, !line.isEmpty else {
            blank = true
            return
        }
        var s = JSONScanner(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        if s.isBlankLine() {
            blank = true
            return
        }
        var shape = self
        do throws(LogLineError.Reason) {
            try s.forEachMember(depth: 1) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                if key.is("employee") {
                    shape.employee = true
                } else if key.is("ts") {
                    shape.ts = true
                } else if key.is("sessionId") || key.is("parentUuid") || key.is("leafUuid") || key.is("requestId") {
                    shape.claudeKey = true
                } else if key.is("prompt_tokens") || key.is("completion_tokens") {
                    shape.topPrompt = true
                } else if key.is("input_tokens") {
                    shape.topInput = true
                } else if key.is("output_tokens") {
                    shape.topOutput = true
                } else if key.is("message") && s.peek == UInt8(ascii: "{") {
                    shape.message = true
                    try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                        if key.is("usage") && s.peek == UInt8(ascii: "{") { shape.messageUsage = true }
                        try s.skipValue(depth: 3)
                    }
                    return
                } else if key.is("response") && s.peek == UInt8(ascii: "{") {
                    // A Batch API output line: a chat completion or response under `response.body`.
                    try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                        if key.is("usageMetadata") && s.peek == UInt8(ascii: "{") { shape.geminiUsage = true }
                        guard key.is("body") && s.peek == UInt8(ascii: "{") else { return try s.skipValue(depth: 3) }
                        try s.forEachMember(depth: 3) {
                            (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                            if key.is("usage") && s.peek == UInt8(ascii: "{") { shape.openAIUsage = true }
                            try s.skipValue(depth: 4)
                        }
                    }
                    return
                } else if key.is("usageMetadata") && s.peek == UInt8(ascii: "{") {
                    shape.geminiUsage = true
                } else if key.is("usage") && s.peek == UInt8(ascii: "{") {
                    try s.forEachMember(depth: 2) { (s: inout JSONScanner, key: JSONKey) throws(LogLineError.Reason) in
                        if key.is("prompt_tokens") || key.is("completion_tokens") || key.is("input_tokens")
                            || key.is("output_tokens")
                        {
                            shape.openAIUsage = true
                        }
                        try s.skipValue(depth: 3)
                    }
                    return
                }
                try s.skipValue(depth: 2)
            }
        } catch {
            // Not (or not entirely) valid JSON: the keys before the fault still count.
        }
        self = shape
    }

    var format: LogFormat? {
        if employee && ts { return .canonical }
        if claudeKey || messageUsage { return .claudeCode }
        if openAIUsage || topPrompt || (topInput && topOutput) { return .openAI }
        if geminiUsage { return .gemini }
        return nil
    }
}
