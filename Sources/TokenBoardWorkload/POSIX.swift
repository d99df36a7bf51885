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
