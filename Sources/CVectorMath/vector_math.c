#include <math.h>
#include "vector_math.h"
#include <malloc.h>
#include "clones.h"

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

// 8 × 8 tiles: a tile's 8 source rows and 8 destination rows stay in L1 while it is copied, where
// a row-by-row loop would touch a new destination line on every write. Exact (a copy): every
// caller gets the same bits as from any other transpose.
CLONES void ass_transpose(const double *restrict p, long rows, long cols, double *restrict out) {
    for (long i0 = 0; i0 < rows; i0 += 8) {
        long i1 = i0 + 8 < rows ? i0 + 8 : rows;
        for (long j0 = 0; j0 < cols; j0 += 8) {
            long j1 = j0 + 8 < cols ? j0 + 8 : cols;
            for (long i = i0; i < i1; i++)
                for (long j = j0; j < j1; j++) out[j * rows + i] = p[i * cols + j];
        }
    }
}
