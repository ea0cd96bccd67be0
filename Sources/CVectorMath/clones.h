#ifndef ANNOTATED_STATE_SPACES_CLONES_H
#define ANNOTATED_STATE_SPACES_CLONES_H

// CLONES before a function compiles it three times — for AVX-512, for AVX2 and for baseline
// x86-64 — and picks the version for the running CPU when the library loads (GCC/clang
// `target_clones`). Elsewhere it expands to nothing.
#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

#endif
