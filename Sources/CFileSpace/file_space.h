// Freeing a file's disk blocks in place (the spill file's regions a dropped block no longer needs). Linux's
// fallocate(2) is declared by <fcntl.h> only under _GNU_SOURCE, which the Swift Glibc module is not built with,
// so it is declared here; elsewhere the call does nothing.
#ifndef TOKENBOARD_FILE_SPACE_H
#define TOKENBOARD_FILE_SPACE_H

#include <sys/types.h>

#if defined(__linux__)
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

#endif
