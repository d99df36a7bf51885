import Foundation
import XCTest

/// The kernel's account of this process's mappings (`/proc/self/smaps`), for tests that check where memory lives.
enum ProcessMappings {
    /// The fields of the mapping holding `address`, by name without the colon (`Rss`, `Anonymous`, `VmFlags`): the
    /// words after the name.
    static func fields(at address: UInt) throws -> [Substring: [Substring]] {
        // Read to the end: /proc files report a size of 0.
        let data = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps")).readDataToEndOfFile()
        var inside = false
        var found: [Substring: [Substring]]?
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = words.first, range.contains("-"), !range.hasSuffix(":") {
                if found != nil { break }
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= address && address < bounds[1]
                if inside { found = [:] }
            } else if inside, let name = words.first, name.hasSuffix(":") {
                found?[name.dropLast()] = Array(words.dropFirst())
            }
        }
        struct NoMapping: Error {}
        guard let found else { throw NoMapping() }
        return found
    }

    /// One field's kilobytes (`Anonymous`, `Rss`) of the mapping holding `address`.
    static func kilobytes(_ field: Substring, at address: UInt) throws -> Int {
        try fields(at: address)[field]?.first.flatMap { Int($0) } ?? -1
    }
}
