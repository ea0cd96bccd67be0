// issue 15: the selective scan's inner loop (`scanRows` in SelectiveScan.swift) in C, so that the
// state update runs in AVX-512 registers with FMA and the exponentials in libmvec's 8-wide exp.
#include <math.h>
#include "vector_math.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,avx512dq,fma")))
/// glibc's libmvec: exp on 8 doubles (AVX-512 vector ABI), ≤ 4 ulp as its 4-wide form.
AVX512 __m512d _ZGVeN8v_exp(__m512d);

/// y = exp(x) for n doubles, 8 at a time through libmvec's AVX-512 exp (the tail masked: its
/// unused lanes hold exp(0)).
AVX512 static void exp_avx512(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _ZGVeN8v_exp(_mm512_loadu_pd(x + i)));
    if (i < n) {
        __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        _mm512_mask_storeu_pd(y + i, m, _ZGVeN8v_exp(_mm512_maskz_loadu_pd(m, x + i)));
    }
}
#endif

void ass_scan_exp(const double *x, double *y, long n) {
#if defined(__x86_64__)
    if (ass_has_avx512()) { exp_avx512(x, y, n); return; }
#endif
    ass_vector_exp(x, y, n);
}

/// Channels per exp call: Ā for a block of channels (≤ 1024 doubles) stays in L1.
static long channel_block(long n) { long b = 1024 / n; return b < 1 ? 1 : b; }

/// The portable step: the arithmetic of `scanStep` / `decayStep`, one state entry at a time.
static void step_rows_scalar(const double *decay, const double *bt, const double *ct, const double *xt, const double *deltat,
                             const double *skip, long n, long first, long width, long lo, double *h, double *product,
                             int carry, double *yt) {
    for (long j = 0; j < width; j++) {
        long d = first + j;
        double *hd = h + (d - lo) * n;
        const double *e = decay + j * n;
        double out = 0, input = deltat[d] * xt[d];
        for (long i = 0; i < n; i++) {
            hd[i] = carry ? e[i] * hd[i] : e[i] * hd[i] + bt[i] * input;
            out += ct[i] * hd[i];
        }
        if (product) for (long i = 0; i < n; i++) product[(d - lo) * n + i] *= e[i];
        if (carry) yt[d] += out; else yt[d] = out + skip[d] * xt[d];
    }
}

#if defined(__x86_64__)
/// r[k] = the sum of v[k]'s eight lanes, for k < 8, each summed as ((e0+e1) + (e2+e3)) + ((e4+e5) + (e6+e7)),
/// whatever the other registers hold: 21 shuffles and adds for eight channels' outputs.
AVX512 static inline __m512d sum_lanes8(const __m512d v[8]) {
    __m512d a[4], c[2];
    for (int k = 0; k < 4; k++)                                       // 128-bit lane L: (v_{2k} pair L, v_{2k+1} pair L)
        a[k] = _mm512_add_pd(_mm512_unpacklo_pd(v[2 * k], v[2 * k + 1]), _mm512_unpackhi_pd(v[2 * k], v[2 * k + 1]));
    for (int k = 0; k < 2; k++)                                       // lanes (a₂ₖ: L0+L1, L2+L3; a₂ₖ₊₁: L0+L1, L2+L3)
        c[k] = _mm512_add_pd(_mm512_shuffle_f64x2(a[2 * k], a[2 * k + 1], 0x88), _mm512_shuffle_f64x2(a[2 * k], a[2 * k + 1], 0xDD));
    return _mm512_add_pd(_mm512_shuffle_f64x2(c[0], c[1], 0x88), _mm512_shuffle_f64x2(c[0], c[1], 0xDD));
}

/// Ā for `width` channels from `first`: decay[j·N + i] = exp(Δ_{t,first+j}·A_{first+j,i}), the
/// product formed in the register the exp takes (lanes past N masked).
AVX512 static inline __attribute__((always_inline)) void decay_avx512(const double *a, const double *deltat, long n, long first,
                                                                      long width, double *decay) {
    for (long j = 0; j < width; j++) {
        __m512d s = _mm512_set1_pd(deltat[first + j]);
        const double *row = a + (first + j) * n;
        for (long i = 0; i < n; i += 8) {
            __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
            _mm512_mask_storeu_pd(decay + j * n + i, m, _ZGVeN8v_exp(_mm512_mul_pd(s, _mm512_maskz_loadu_pd(m, row + i))));
        }
    }
}

/// One channel's step with 8 state entries per register (the last masked when 8 ∤ N) and FMA:
/// h ← Ā ⊙ h + B·(Δx) (or h ← Ā ⊙ h when carrying; ∏Ā updated if `product`). Returns the
/// register of C ⊙ h, whose lanes sum to the channel's C·h.
AVX512 static inline __attribute__((always_inline)) __m512d channel_avx512(const double *e, const double *bt, const double *ct,
                                                                           double input, long n, double *hd, double *pd, int carry) {
    __m512d in = _mm512_set1_pd(input), acc = _mm512_setzero_pd();
    for (long i = 0; i < n; i += 8) {
        __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512d a = _mm512_maskz_loadu_pd(m, e + i), s = _mm512_maskz_loadu_pd(m, hd + i);
        s = carry ? _mm512_mul_pd(a, s) : _mm512_fmadd_pd(a, s, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, bt + i), in));
        _mm512_mask_storeu_pd(hd + i, m, s);
        acc = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, ct + i), s, acc);
        if (pd) _mm512_mask_storeu_pd(pd + i, m, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, pd + i), a));
    }
    return acc;
}

/// The steps of `width` channels from `first`, eight at a time: each channel's C ⊙ h
/// (`channel_avx512`), their lane sums together (`sum_lanes8`), y = that + D·x (or y += that).
AVX512 static inline __attribute__((always_inline)) void step_avx512(const double *decay, const double *bt, const double *ct,
                                                                     const double *xt, const double *deltat, const double *skip,
                                                                     long n, long first, long width, long lo, double *h,
                                                                     double *product, int carry, double *yt) {
#define CHANNEL(g) channel_avx512(decay + (j0 + (g)) * n, bt, ct, carry ? 0 : deltat[first + j0 + (g)] * xt[first + j0 + (g)], n, \
                                  h + (first + j0 + (g) - lo) * n, product ? product + (first + j0 + (g) - lo) * n : 0, carry)
    for (long j0 = 0; j0 < width; j0 += 8) {
        long group = width - j0 < 8 ? width - j0 : 8;
        __m512d acc[8];
        if (group == 8) {                                              // constant indices: acc stays in registers
            acc[0] = CHANNEL(0); acc[1] = CHANNEL(1); acc[2] = CHANNEL(2); acc[3] = CHANNEL(3);
            acc[4] = CHANNEL(4); acc[5] = CHANNEL(5); acc[6] = CHANNEL(6); acc[7] = CHANNEL(7);
        } else {
            for (long g = 0; g < 8; g++) acc[g] = g < group ? CHANNEL(g) : _mm512_setzero_pd();
        }
        __mmask8 gm = (__mmask8)((1u << group) - 1);
        __m512d out = sum_lanes8(acc);
        long d0 = first + j0;
        if (carry) out = _mm512_add_pd(_mm512_maskz_loadu_pd(gm, yt + d0), out);
        else out = _mm512_add_pd(out, _mm512_mul_pd(_mm512_maskz_loadu_pd(gm, skip + d0), _mm512_maskz_loadu_pd(gm, xt + d0)));
        _mm512_mask_storeu_pd(yt + d0, gm, out);
    }
#undef CHANNEL
}

/// Rows t0 ..< t1 for channels lo ..< hi, AVX-512: per row and block of channels, Ā (`decay_avx512`),
/// then the steps (`step_avx512`). Inlined twice, so that N = 16 (Mamba's) runs with constant trip counts.
AVX512 static inline __attribute__((always_inline)) void scan_rows_avx512(const double *x, const double *delta, const double *a,
                                                                          const double *b, const double *c, const double *skip,
                                                                          long dd, long n, long t0, long t1, long lo, long hi,
                                                                          double *h, double *product, int carry, double *y,
                                                                          double *decay, long block) {
    for (long t = t0; t < t1; t++) {
        const double *xt = x + t * dd, *deltat = delta + t * dd, *bt = b + t * n, *ct = c + t * n;
        for (long first = lo; first < hi; first += block) {
            long width = hi - first < block ? hi - first : block;
            decay_avx512(a, deltat, n, first, width, decay);
            step_avx512(decay, bt, ct, xt, deltat, skip, n, first, width, lo, h, product, carry, y + t * dd);
        }
    }
}

AVX512 static void scan_rows_avx512_16(const double *x, const double *delta, const double *a, const double *b, const double *c,
                                       const double *skip, long dd, long t0, long t1, long lo, long hi,
                                       double *h, double *product, int carry, double *y, double *decay) {
    // The three uses, each compiled with its mode fixed: the scan, the scan with ∏Ā, the carry.
    if (carry) scan_rows_avx512(x, delta, a, b, c, skip, dd, 16, t0, t1, lo, hi, h, 0, 1, y, decay, 64);
    else if (product) scan_rows_avx512(x, delta, a, b, c, skip, dd, 16, t0, t1, lo, hi, h, product, 0, y, decay, 64);
    else scan_rows_avx512(x, delta, a, b, c, skip, dd, 16, t0, t1, lo, hi, h, 0, 0, y, decay, 64);
}

AVX512 static void scan_rows_avx512_any(const double *x, const double *delta, const double *a, const double *b, const double *c,
                                        const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                                        double *h, double *product, int carry, double *y, double *decay) {
    scan_rows_avx512(x, delta, a, b, c, skip, dd, n, t0, t1, lo, hi, h, product, carry, y, decay, channel_block(n));
}
#endif

void ass_scan_rows(const double *x, const double *delta, const double *a, const double *b, const double *c,
                   const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                   double *h, double *product, int carry, double *y, double *decay) {
#if defined(__x86_64__)
    if (ass_has_avx512()) {
        if (n == 16) scan_rows_avx512_16(x, delta, a, b, c, skip, dd, t0, t1, lo, hi, h, product, carry, y, decay);
        else scan_rows_avx512_any(x, delta, a, b, c, skip, dd, n, t0, t1, lo, hi, h, product, carry, y, decay);
        return;
    }
#endif
    long block = channel_block(n);
    for (long t = t0; t < t1; t++) {
        const double *xt = x + t * dd, *deltat = delta + t * dd, *bt = b + t * n, *ct = c + t * n;
        for (long first = lo; first < hi; first += block) {
            long width = hi - first < block ? hi - first : block;
            for (long j = 0; j < width; j++) {                       // Δ_t·A_d, as `scaleRow`
                double s = deltat[first + j];
                const double *row = a + (first + j) * n;
                for (long i = 0; i < n; i++) decay[j * n + i] = s * row[i];
            }
            ass_scan_exp(decay, decay, width * n);
            step_rows_scalar(decay, bt, ct, xt, deltat, skip, n, first, width, lo, h, product, carry, y + t * dd);
        }
    }
}
