import Foundation

/// Resident set size from /proc (Linux).
public enum ResidentMemory {
    /// This process's resident bytes.
    public static func current() -> Int { of(pid: "self") ?? 0 }

    /// A process's resident bytes, or nil when it cannot be read.
    public static func of(pid: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
