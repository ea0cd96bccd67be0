// The Mamba block's elementwise passes (SiLU, its derivative, the gate y ⊙ SiLU(z)) fused into
// one pass each: a block of 256 entries at a time, its e^{−x} through `ass_scan_exp` (libmvec's
// widest exp) into a buffer that stays in L1, then the formula. The readable forms are the Swift
// scalars `silu(_:)` and `SiLU.derivative(_:)` (Selective/Activations.swift,
// Learning/ActivationGradients.swift); LearningLayerTests compares these passes with them.
#include <math.h>
#include "clones.h"
#include "vector_math.h"

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

/// out = u ⊙ f(x), a block at a time, where f(x) is `silu_block` or `silu_derivative_block`.
static void times_block_function(void (*f)(const double *, const double *, double *, long),
                                 const double *x, const double *u, double *out, long n) {
    double e[BLOCK], fx[BLOCK];
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(x + start, e, m);
        f(x + start, e, fx, m);
        for (long i = 0; i < m; i++) out[start + i] = u[start + i] * fx[i];
    }
}

void ass_silu_backward(const double *x, const double *dy, double *dx, long n) {
    times_block_function(silu_derivative_block, x, dy, dx, n);
}

void ass_sigmoid(const double *x, double *s, long n) {
    for (long start = 0; start < n; start += BLOCK) {
        long m = n - start < BLOCK ? n - start : BLOCK;
        negative_exp(x + start, s + start, m);
        for (long i = 0; i < m; i++) s[start + i] = 1 / (1 + s[start + i]);
    }
}

void ass_gate(const double *y, const double *z, double *g, long n) {
    times_block_function(silu_block, z, y, g, n);
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

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,avx512dq,fma")))
/// glibc's libmvec (≥ 2.35): exp and log1p on 8 doubles (AVX-512 vector ABI), ≤ 4 ulp.
AVX512 __m512d _ZGVeN8v_exp(__m512d);
AVX512 __m512d _ZGVeN8v_log1p(__m512d);

/// softplus of 8 entries at a time; the tail masked (its unused lanes compute softplus(0)).
AVX512 static void softplus_avx512(const double *z, double *out, long n) {
    const __m512d zero = _mm512_setzero_pd();
    for (long i = 0; i < n; i += 8) {
        __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512d v = _mm512_maskz_loadu_pd(m, z + i);
        __mmask8 positive = _mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ);
        __m512d l = _ZGVeN8v_log1p(_ZGVeN8v_exp(_mm512_mask_sub_pd(v, positive, zero, v)));   // log1p(e^{−|z|})
        _mm512_mask_storeu_pd(out + i, m, _mm512_mask_add_pd(l, positive, v, l));              // + z where z > 0
    }
}
#endif

void ass_softplus(const double *z, double *out, long n) {
#if defined(__x86_64__)
    if (ass_has_avx512()) { softplus_avx512(z, out, n); return; }
#endif
    for (long i = 0; i < n; i++) out[i] = z[i] > 0 ? z[i] + log1p(exp(-z[i])) : log1p(exp(z[i]));
}
