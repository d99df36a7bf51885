import Foundation
import XCTest

@testable import TokenBoardCore

/// The medium of a path's file system, checked against the kernel's own list of mounts (`/proc/mounts`, the
/// longest mount point that holds the path).
final class FileSystemMediumTests: XCTestCase {
    func testMediumMatchesTheMountTable() throws {
        #if os(Linux)
            let table = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
            var mounts: [(point: String, type: String)] = []
            for line in table.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 3 { mounts.append((String(fields[1]), String(fields[2]))) }
            }
            func expected(_ path: String) -> FileSystemMedium {
                let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                var holder: (point: String, type: String)?
                for mount in mounts {
                    let prefix = mount.point == "/" ? "/" : mount.point + "/"
                    guard real == mount.point || real.hasPrefix(prefix) else { continue }
                    if mount.point.count >= (holder?.point.count ?? -1) { holder = mount }
                }
                switch holder?.type {
                case "tmpfs": return .memory("tmpfs")
                case "ramfs": return .memory("ramfs")
                default: return .storage
                }
            }
            let paths = ["/", "/proc", "/dev/shm", NSTemporaryDirectory(), FileManager.default.currentDirectoryPath]
            for path in paths where FileManager.default.fileExists(atPath: path) {
                XCTAssertEqual(FileSystemMedium(path: path), expected(path), path)
            }
            XCTAssertEqual(FileSystemMedium(path: "/proc"), .storage, "procfs keeps no files, in memory or not")
            XCTAssertEqual(FileSystemMedium(path: "/no/such/directory-\(UUID().uuidString)"), .unknown)
        #else
            throw XCTSkip("statfs's file system numbers are Linux's")
        #endif
    }
}
