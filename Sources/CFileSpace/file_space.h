// Freeing a file's disk blocks in place (the spill file's regions a dropped block no longer needs), and telling
// what kind of file system holds a path (a data directory in memory). Linux's fallocate(2) is declared by
// <fcntl.h> only under _GNU_SOURCE, which the Swift Glibc module is not built with, and statfs(2) is not in that
// module at all, so both are reached here; elsewhere the calls do nothing.
#ifndef TOKENBOARD_FILE_SPACE_H
#define TOKENBOARD_FILE_SPACE_H

#include <sys/types.h>

#if defined(__linux__)
#include <sys/vfs.h>
extern int fallocate(int fd, int mode, off_t offset, off_t length);
#endif

/// Frees the disk blocks of `length` bytes at `offset` of `fd`, keeping the file's size (they then read as
/// zeros). Returns 0, or -1 with errno set; where holes cannot be punched, -1 and the bytes stay.
static inline int tokenboard_punch_hole(int fd, off_t offset, off_t length) {
#if defined(__linux__)
    // FALLOC_FL_PUNCH_HOLE (0x02) must come with FALLOC_FL_KEEP_SIZE (0x01).
    return fallocate(fd, 0x02 | 0x01, offset, length);
#else
    (void)fd; (void)offset; (void)length;
    return -1;
#endif
}

/// The magic number of the file system holding `path` (statfs's f_type, as in <linux/magic.h>), or -1 with errno
/// set; -1 where it cannot be told.
static inline long long tokenboard_file_system_magic(const char *path) {
#if defined(__linux__)
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long long)info.f_type;
#else
    (void)path;
    return -1;
#endif
}

#endif
