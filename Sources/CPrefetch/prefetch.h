// A cache-line prefetch hint for Swift, which has no prefetch of its own: the compilers' builtin, imported
// through a static inline function (clang's `_mm_prefetch` is a macro Swift cannot import, and its `_m_prefetch`
// builtins are imported as `readnone` and optimised away). A hint only: it never faults and changes no value.
#ifndef TOKENBOARD_PREFETCH_H
#define TOKENBOARD_PREFETCH_H

/// Starts loading the cache line holding `address` into every cache level.
static inline __attribute__((always_inline)) void tokenboard_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
