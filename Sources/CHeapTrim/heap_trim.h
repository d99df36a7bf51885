// Giving the heap's free memory back to the system (a worker's batch buffers, once a burst of ingest is over).
// glibc's malloc_trim(3) is declared in <malloc.h>, which the Swift Glibc module does not include; elsewhere the
// call does nothing.
#ifndef TOKENBOARD_HEAP_TRIM_H
#define TOKENBOARD_HEAP_TRIM_H

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

#endif
