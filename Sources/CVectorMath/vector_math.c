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

// The FFT convolution's pointwise product, s ← (scale·k) ⊙ s over `count` complex numbers, each
// stored as (re, im): one pass with the CPU's widest vectors (the Swift loop it replaces ran two
// doubles at a time). The same expression for every caller on one machine, so two routes that
// call it agree bit for bit; the AVX clones may fuse a product with its sum (FMA).
CLONES void ass_spectrum_product(double *restrict s, const double *restrict k, double scale, long count) {
    for (long i = 0; i < count; i++) {
        double kr = scale * k[2 * i], ki = scale * k[2 * i + 1], sr = s[2 * i], si = s[2 * i + 1];
        s[2 * i] = kr * sr - ki * si;
        s[2 * i + 1] = kr * si + ki * sr;
    }
}

// A copy that checks finiteness on the way, branch-free: a double is NaN or ±∞ exactly when its
// 11 exponent bits are all ones, and adding 1 at the bottom of the exponent field then carries
// into the sign bit, which an OR over all of them keeps.
CLONES int ass_copy_finite(const double *restrict source, double *restrict target, long count) {
    unsigned long long carries = 0;
    for (long i = 0; i < count; i++) {
        double x = source[i];
        unsigned long long bits;
        __builtin_memcpy(&bits, &x, sizeof bits);
        target[i] = x;
        carries |= (bits & 0x7FF0000000000000ULL) + 0x0010000000000000ULL;
    }
    return (carries >> 63) == 0;
}

// Columns first ..< first + width of a (rows, ld) row-major matrix into `width` rows of `out`,
// `pitch` apart: out[j·pitch + t] = p[t·ld + first + j], row by row of p.
void ass_gather_columns(const double *restrict p, long rows, long ld, long first, long width, double *restrict out, long pitch) {
    for (long t = 0; t < rows; t++)
        for (long j = 0; j < width; j++) out[j * pitch + t] = p[t * ld + first + j];
}

// The inverse of `ass_gather_columns`: p[t·ld + first + j] = in[j·pitch + t].
void ass_scatter_columns(const double *restrict in, long pitch, long rows, long ld, long first, long width, double *restrict p) {
    for (long t = 0; t < rows; t++)
        for (long j = 0; j < width; j++) p[t * ld + first + j] = in[j * pitch + t];
}
