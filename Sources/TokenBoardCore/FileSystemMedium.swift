import CFileSpace

/// Whether a directory's file system keeps its files in memory (tmpfs, ramfs): a worker warns at start-up when its
/// data directory does, since its log and snapshots then do not outlive the machine, and its spill file moves
/// past days from one kind of memory to another (the page cache of such a file system cannot be dropped, only
/// swapped).
public enum FileSystemMedium: Sendable, Hashable {
    /// tmpfs or ramfs, named.
    case memory(String)
    /// Any other file system (a disk, a network file system).
    case storage
    /// The path does not exist or cannot be examined.
    case unknown

    /// The medium of the file system holding `path`.
    public init(path: String) {
        switch tokenboard_file_system_magic(path) {
        case 0x0102_1994: self = .memory("tmpfs")
        case 0x8584_58F6: self = .memory("ramfs")
        case -1: self = .unknown
        default: self = .storage
        }
    }
}
