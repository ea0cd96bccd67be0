#include <math.h>
#include "vector_math.h"
#include <malloc.h>

// Compiled with -fno-math-errno -fveclib=libmvec (Package.swift), so clang vectorises this loop
// into libmvec calls. target_clones builds an AVX2 and a baseline version and picks one per CPU.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void ass_vector_exp(const double *restrict x, double *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = exp(x[i]);
}

int ass_retain_freed_memory(void) {
    int mmap = mallopt(M_MMAP_THRESHOLD, 1 << 30);
    int trim = mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
    return mmap == 1 && trim == 1;
}
