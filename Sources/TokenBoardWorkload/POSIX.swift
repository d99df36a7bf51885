#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Free functions for the system calls whose names the reader and writer shadow with methods of their own.

/// `close(2)`.
func closeDescriptor(_ fd: Int32) -> Int32 {
    close(fd)
}

/// `write(2)`.
func writeDescriptor(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// `pread(2)` until `buffer` is full or the file ends: the bytes read, fewer than `buffer.count` only at the end of
/// the file. `path` names the file in the error.
func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws -> Int {
    guard fd >= 0, let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < buffer.count {
        let n = pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
        if n > 0 {
            done += n
        } else if n == 0 {
            break
        } else if errno != EINTR {
            throw LogFileError(path: path, operation: "read", code: errno)
        }
    }
    return done
}
