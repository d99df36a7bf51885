// glibc's malloc tuning calls, for the worker's and the replayer's memory (Heap.swift): malloc_trim(3) and
// mallopt(3) are declared in <malloc.h>, which the Swift Glibc module does not include. Elsewhere the calls do
// nothing.
#ifndef TOKENBOARD_MALLOC_SHIM_H
#define TOKENBOARD_MALLOC_SHIM_H

#include <stddef.h>

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/// Returns the free memory of every malloc arena to the system; 1 if some was returned, else 0.
static inline int tokenboard_heap_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

/// Serves every request of `bytes` or more with its own mapping, given back to the system when freed, and turns
/// off glibc's moving of that threshold; 1 on success, else 0.
static inline int tokenboard_heap_set_mmap_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return 0;
#endif
}

/// Gives the free memory at the top of the heap back to the system only once it exceeds `bytes`, and turns off
/// glibc's moving of that threshold; 1 on success, else 0.
static inline int tokenboard_heap_set_trim_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return mallopt(M_TRIM_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return 0;
#endif
}

/// Serves every thread from at most `arenas` malloc arenas; 1 on success, else 0.
static inline int tokenboard_heap_set_arena_max(int arenas) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}

#endif
