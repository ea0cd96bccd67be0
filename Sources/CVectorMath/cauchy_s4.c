// issue 15: S4's four Cauchy sums, vectorised over frequencies (see CauchySums in S4Kernel.swift,
// whose `fused` form this is: the same formula per (pole pair, frequency), one frequency per lane).
#include <math.h>
#include "vector_math.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// One (pole pair, frequency) term of the four sums, in the notation of CauchySums:
//   d1 = g − b, d2 = g + b, er = a² − d1·d2, ei = −2a·g, s = 1/(er² + ei²),
//   qr = er·s, qi = −ei·s, u = g·qi, v = g·qr,
//   re_w += α_w·qr − β_w·u,  im_w += α_w·qi + β_w·v        (w = 0…3)
// q points at the pole's 11 packed numbers: α0…α3, β0…β3, a², b, −2a.

/// The portable form: one frequency at a time, poles inner.
static void cauchy_sums_scalar(const double *packed, long poles, const double *gi, long count, double *sums) {
    for (long j = 0; j < count; j++) {
        double g = gi[j], re[4] = {0, 0, 0, 0}, im[4] = {0, 0, 0, 0};
        for (long p = 0; p < poles; p++) {
            const double *q = packed + 11 * p;
            double d1 = g - q[9], d2 = g + q[9];
            double er = q[8] - d1 * d2, ei = q[10] * g;
            double s = 1 / (er * er + ei * ei);
            double qr = er * s, qi = -ei * s, u = g * qi, v = g * qr;
            for (int w = 0; w < 4; w++) {
                re[w] += q[w] * qr - q[4 + w] * u;
                im[w] += q[w] * qi + q[4 + w] * v;
            }
        }
        for (int w = 0; w < 4; w++) { sums[(2 * w) * count + j] = re[w]; sums[(2 * w + 1) * count + j] = im[w]; }
    }
}

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f,avx512dq,fma")))

/// 1/x for x in the normal range: AVX-512's 14-bit estimate and two Newton steps r ← r + r(1 − xr),
/// each squaring the relative error (2⁻¹⁴ → 2⁻²⁸ → 2⁻⁵⁶), so within ~1 ulp of the quotient —
/// four FMAs in the place of a division that holds the divider for 16 cycles per register.
AVX512 static inline __m512d reciprocal(__m512d x) {
    __m512d r = _mm512_rcp14_pd(x), one = _mm512_set1_pd(1);
    r = _mm512_fmadd_pd(r, _mm512_fnmadd_pd(x, r, one), r);
    return _mm512_fmadd_pd(r, _mm512_fnmadd_pd(x, r, one), r);
}

/// 16 frequencies (two registers of 8) per pass over the poles, lanes past `count` masked.
/// With ei' = 2a·g = −ei: qi = ei'·s, and each weight's two updates are two FMAs.
AVX512 static void cauchy_sums_avx512(const double *packed, long poles, const double *gi, long count, double *sums) {
    for (long j = 0; j < count; j += 16) {
        long left = count - j;
        __mmask8 m0 = left >= 8 ? 0xFF : (__mmask8)((1u << left) - 1);
        __mmask8 m1 = left >= 16 ? 0xFF : left <= 8 ? 0 : (__mmask8)((1u << (left - 8)) - 1);
        __m512d g0 = _mm512_maskz_loadu_pd(m0, gi + j), g1 = _mm512_maskz_loadu_pd(m1, gi + j + 8);
        __m512d re0[4], im0[4], re1[4], im1[4];
        for (int w = 0; w < 4; w++) re0[w] = im0[w] = re1[w] = im1[w] = _mm512_setzero_pd();
        for (long p = 0; p < poles; p++) {
            const double *q = packed + 11 * p;
            __m512d b = _mm512_set1_pd(q[9]), a2 = _mm512_set1_pd(q[8]), twoA = _mm512_set1_pd(-q[10]);
            __m512d er0 = _mm512_fnmadd_pd(_mm512_sub_pd(g0, b), _mm512_add_pd(g0, b), a2);
            __m512d er1 = _mm512_fnmadd_pd(_mm512_sub_pd(g1, b), _mm512_add_pd(g1, b), a2);
            __m512d ei0 = _mm512_mul_pd(twoA, g0), ei1 = _mm512_mul_pd(twoA, g1);
            __m512d s0 = reciprocal(_mm512_fmadd_pd(er0, er0, _mm512_mul_pd(ei0, ei0)));
            __m512d s1 = reciprocal(_mm512_fmadd_pd(er1, er1, _mm512_mul_pd(ei1, ei1)));
            __m512d qr0 = _mm512_mul_pd(er0, s0), qi0 = _mm512_mul_pd(ei0, s0);
            __m512d qr1 = _mm512_mul_pd(er1, s1), qi1 = _mm512_mul_pd(ei1, s1);
            __m512d u0 = _mm512_mul_pd(g0, qi0), v0 = _mm512_mul_pd(g0, qr0);
            __m512d u1 = _mm512_mul_pd(g1, qi1), v1 = _mm512_mul_pd(g1, qr1);
            for (int w = 0; w < 4; w++) {
                __m512d alpha = _mm512_set1_pd(q[w]), beta = _mm512_set1_pd(q[4 + w]);
                re0[w] = _mm512_fnmadd_pd(beta, u0, _mm512_fmadd_pd(alpha, qr0, re0[w]));
                im0[w] = _mm512_fmadd_pd(beta, v0, _mm512_fmadd_pd(alpha, qi0, im0[w]));
                re1[w] = _mm512_fnmadd_pd(beta, u1, _mm512_fmadd_pd(alpha, qr1, re1[w]));
                im1[w] = _mm512_fmadd_pd(beta, v1, _mm512_fmadd_pd(alpha, qi1, im1[w]));
            }
        }
        for (int w = 0; w < 4; w++) {
            _mm512_mask_storeu_pd(sums + (2 * w) * count + j, m0, re0[w]);
            _mm512_mask_storeu_pd(sums + (2 * w + 1) * count + j, m0, im0[w]);
            _mm512_mask_storeu_pd(sums + (2 * w) * count + j + 8, m1, re1[w]);
            _mm512_mask_storeu_pd(sums + (2 * w + 1) * count + j + 8, m1, im1[w]);
        }
    }
}
#endif

int ass_has_avx512(void) {
#if defined(__x86_64__)
    static int known = -1;                                              // written once, same value by any thread
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
#else
    return 0;
#endif
}

void ass_cauchy_s4_sums(const double *packed, long poles, const double *gi, long count, double *sums) {
#if defined(__x86_64__)
    if (ass_has_avx512()) { cauchy_sums_avx512(packed, poles, gi, count, sums); return; }
#endif
    cauchy_sums_scalar(packed, poles, gi, count, sums);
}

void ass_cauchy_s4_sums_portable(const double *packed, long poles, const double *gi, long count, double *sums) {
    cauchy_sums_scalar(packed, poles, gi, count, sums);
}

// Compiled with -fveclib=libmvec (Package.swift): clang turns this loop into libmvec's vector tan.
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void ass_cauchy_tangents(long start, long count, long length, double *restrict out) {
    for (long i = 0; i < count; i++) out[i] = tan(M_PI * (double)(start + i) / (double)length);
}
