// Whether the CPU has SSE 4.2 (the crc32 instruction), for Swift: the compilers' builtin reads the CPU model that
// the C runtime fills once at load time, so a check is a load and a bit test, where a lazily initialised Swift
// global costs a call through swift_once on every read.
#ifndef TOKENBOARD_CPU_FEATURES_H
#define TOKENBOARD_CPU_FEATURES_H

#if defined(__x86_64__)
/// 1 when this CPU has SSE 4.2, else 0.
static inline __attribute__((always_inline)) int tokenboard_cpu_has_sse42(void) {
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}
#endif

#endif
