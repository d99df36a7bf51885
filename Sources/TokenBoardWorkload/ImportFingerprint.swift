#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A producer id derived from everything that decides which numbered batches an import sends: the logs' bytes,
/// their formats and employees, the reading options, the batch size and the shard map. Importing the same logs
/// the same way into the same cluster gives the same id and so the same numbered batches, which the workers
/// acknowledge as duplicates: importing twice changes nothing. Any difference gives another id.
public struct ImportFingerprint: Sendable {
    private var digest = XXH64(seed: 0x746F_6B65_6E62_6F61)

    /// A fingerprint of nothing yet.
    public init() {}

    /// Adds a number.
    public mutating func add(_ value: UInt64) { digest.update(value) }

    /// Adds a string (length-delimited, so that consecutive strings cannot run together).
    public mutating func add(_ string: String) {
        digest.update(UInt64(string.utf8.count))
        digest.update(string)
    }

    /// Adds how the logs are read: format, employee and every rule of the employee map.
    public mutating func add(_ options: LogOpener.Options) {
        add(options.format?.rawValue ?? "auto")
        add(options.employee ?? "")
        let rules = options.employeeMap?.rules ?? []
        add(UInt64(rules.count))
        for rule in rules {
            add(rule.source.rawValue)
            add(rule.pattern)
            add(rule.employee)
        }
    }

    /// Adds a log: its format, employee and every byte of its content (not its path: the same file imported
    /// from another folder is the same import).
    public mutating func add(_ source: LogSource) throws(LogFileError) {
        add(source.format.rawValue)
        add(source.employee ?? "")
        let fd = open(source.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileError(path: source.path, operation: "open", code: errno) }
        defer { _ = closeDescriptor(fd) }
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var length: UInt64 = 0
        while true {
            let n = read(fd, buffer, chunk)
            if n > 0 {
                digest.update(UnsafeRawBufferPointer(start: buffer, count: n))
                length += UInt64(n)
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw LogFileError(path: source.path, operation: "read", code: errno)
            }
        }
        add(length)
    }

    /// The producer id: never 0, which means "unnumbered".
    public var producerID: UInt64 {
        let value = digest.finish()
        return value == 0 ? 1 : value
    }
}
