// The Mamba block's elementwise passes (SiLU, its derivative, the gate y ⊙ SiLU(z)) fused into
// one pass each: a block of 256 entries at a time, its e^{−x} through `ass_scan_exp` (libmvec's
// widest exp) into a buffer that stays in L1, then the formula. The readable forms are the Swift
// scalars `silu(_:)` and `SiLU.derivative(_:)` (Selective/Activations.swift,
// Learning/ActivationGradients.swift); LearningLayerTests compares these passes with them.
#include <math.h>
#include "vector_math.h"

#if defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

enum { BLOCK = 256 };

/// e[i] = e^{−x[i]} for i < m (m ≤ BLOCK).
static void negative_exp(const double *x, double *e, long m) {
    for (long i = 0; i < m; i++) e[i] = -x[i];
    ass_scan_exp(e, e, m);
}

/// σ = 1/(1 + e^{−x}); SiLU(x) = x·σ with SiLU(−∞) = −0 (not −∞·0 = NaN).
CLONES static void silu_block(const double *restrict x, const double *restrict e, double *restrict y, long m) {
    for (long i = 0; i < m; i++) {
        double s = 1 / (1 + e[i]);
        y[i] = x[i] == -INFINITY ? -0.0 : x[i] * s;
    }
}

/// SiLU'(x) = σ(1 + x(1 − σ)), and its limits 1 and 0 at ±∞.
CLONES static void silu_derivative_block(const double *restrict x, const double *restrict e, double *restrict out, long m) {
    for (long i = 0; i < m; i++) {
        double s = 1 / (1 + e[i]);
        out[i] = isinf(x[i]) ? (x[i] > 0 ? 1.0 : 0.0) : s * (1 + x[i] * (1 - s));
    }
}

void ass_silu(const double *x, double *y, long n) {
    double e[BLOCK];
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(x + start, e, m);
        silu_block(x + start, e, y + start, m);
    }
}

void ass_silu_backward(const double *x, const double *dy, double *dx, long n) {
    double e[BLOCK], d[BLOCK];
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(x + start, e, m);
        silu_derivative_block(x + start, e, d, m);
        for (long i = 0; i < m; i++) dx[start + i] = dy[start + i] * d[i];
    }
}

void ass_sigmoid(const double *x, double *s, long n) {
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(x + start, s + start, m);
        for (long i = 0; i < m; i++) s[start + i] = 1 / (1 + s[start + i]);
    }
}

void ass_gate(const double *y, const double *z, double *g, long n) {
    double e[BLOCK], a[BLOCK];
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(z + start, e, m);
        silu_block(z + start, e, a, m);
        for (long i = 0; i < m; i++) g[start + i] = y[start + i] * a[i];
    }
}

void ass_gate_backward(const double *y, const double *z, const double *dg, double *dy, double *dz, long n) {
    double e[BLOCK], a[BLOCK], d[BLOCK];
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(z + start, e, m);
        silu_block(z + start, e, a, m);
        silu_derivative_block(z + start, e, d, m);
        for (long i = 0; i < m; i++) {
            dy[start + i] = dg[start + i] * a[i];
            dz[start + i] = dg[start + i] * y[start + i] * d[i];
        }
    }
}
