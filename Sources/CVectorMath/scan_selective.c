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

#if defined(__x86_64__)
/// `ass_scan_channel_decay` on AVX-512: the products Δ_t·A first (lanes past N masked), then the
/// exponentials in place over the count·N contiguous entries, as `decay_avx512` below does.
AVX512 static void channel_decay_avx512(const double *a, const double *delta, long count, long n, double *decay) {
    for (long t = 0; t < count; t++) {
        __m512d s = _mm512_set1_pd(delta[t]);
        for (long i = 0; i < n; i += 8) {
            __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
            _mm512_mask_storeu_pd(decay + t * n + i, m, _mm512_mul_pd(s, _mm512_maskz_loadu_pd(m, a + i)));
        }
    }
    exp_avx512(decay, decay, count * n);
}
#endif

void ass_scan_channel_decay(const double *a, const double *delta, long count, long n, double *decay) {
#if defined(__x86_64__)
    if (ass_has_avx512()) { channel_decay_avx512(a, delta, count, n, decay); return; }
#endif
    for (long t = 0; t < count; t++)
        for (long i = 0; i < n; i++) decay[t * n + i] = delta[t] * a[i];
    ass_vector_exp(decay, decay, count * n);
}

/// Channels per block: Ā for a block (≤ 1024 doubles) stays in L1. Eight channels (one group of
/// `step_avx512`) while N ≤ 128: a block's steps then follow its exps closely enough for the
/// processor to overlap them with the next block's exps (measured: ~10% faster than 64 at N = 16).
static long channel_block(long n) { long b = n <= 128 ? 8 : 1024 / n; return b < 1 ? 1 : b; }

/// The portable step: the arithmetic of `scanStep` / `decayStep`, one state entry at a time.
static void step_rows_scalar(const double *decay, const double *bt, const double *ct, const double *xt, const double *deltat,
                             const double *skip, long n, long first, long width, long lo, double *h, int carry,
                             double *yt) {
    for (long j = 0; j < width; j++) {
        long d = first + j;
        double *hd = h + (d - lo) * n;
        const double *e = decay + j * n;
        double out = 0, input = deltat[d] * xt[d];
        for (long i = 0; i < n; i++) {
            hd[i] = carry ? e[i] * hd[i] : e[i] * hd[i] + bt[i] * input;
            out += ct[i] * hd[i];
        }
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

/// Ā for `width` channels from `first`: decay[j·N + i] = exp(Δ_{t,first+j}·A_{first+j,i}). The
/// products first (lanes past N masked), then the exponentials in place over the block's
/// width·N contiguous entries (`exp_avx512`): a loop of exp calls with nothing else live across
/// them, where forming each product in the exp's register kept Δ's broadcast alive across every
/// call (spilled and reloaded each time; measured: 0.86–1.02×, median 0.97×, the time of that
/// form for the D = 1536 scan, in eleven runs of 15 interleaved repetitions).
AVX512 static inline __attribute__((always_inline)) void decay_avx512(const double *a, const double *deltat, long n, long first,
                                                                      long width, double *decay) {
    for (long j = 0; j < width; j++) {
        __m512d s = _mm512_set1_pd(deltat[first + j]);
        const double *row = a + (first + j) * n;
        for (long i = 0; i < n; i += 8) {
            __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
            _mm512_mask_storeu_pd(decay + j * n + i, m, _mm512_mul_pd(s, _mm512_maskz_loadu_pd(m, row + i)));
        }
    }
    exp_avx512(decay, decay, width * n);
}

/// One channel's step with 8 state entries per register (the last masked when 8 ∤ N) and FMA:
/// h ← Ā ⊙ h + B·(Δx) (or h ← Ā ⊙ h when carrying). Returns the
/// register of C ⊙ h, whose lanes sum to the channel's C·h.
AVX512 static inline __attribute__((always_inline)) __m512d channel_avx512(const double *e, const double *bt, const double *ct,
                                                                           double input, long n, double *hd, int carry) {
    __m512d in = _mm512_set1_pd(input), acc = _mm512_setzero_pd();
    for (long i = 0; i < n; i += 8) {
        __mmask8 m = n - i >= 8 ? 0xFF : (__mmask8)((1u << (n - i)) - 1);
        __m512d a = _mm512_maskz_loadu_pd(m, e + i), s = _mm512_maskz_loadu_pd(m, hd + i);
        s = carry ? _mm512_mul_pd(a, s) : _mm512_fmadd_pd(a, s, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, bt + i), in));
        _mm512_mask_storeu_pd(hd + i, m, s);
        acc = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, ct + i), s, acc);
    }
    return acc;
}

/// The steps of `width` channels from `first`, eight at a time: each channel's C ⊙ h
/// (`channel_avx512`), their lane sums together (`sum_lanes8`), y = that + D·x (or y += that).
AVX512 static inline __attribute__((always_inline)) void step_avx512(const double *decay, const double *bt, const double *ct,
                                                                     const double *xt, const double *deltat, const double *skip,
                                                                     long n, long first, long width, long lo, double *h,
                                                                     int carry, double *yt) {
#define CHANNEL(g) channel_avx512(decay + (j0 + (g)) * n, bt, ct, carry ? 0 : deltat[first + j0 + (g)] * xt[first + j0 + (g)], n, \
                                  h + (first + j0 + (g) - lo) * n, carry)
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
                                                                          double *h, int carry, double *y, double *decay,
                                                                          long block) {
    for (long t = t0; t < t1; t++) {
        const double *xt = x + t * dd, *deltat = delta + t * dd, *bt = b + t * n, *ct = c + t * n;
        for (long first = lo; first < hi; first += block) {
            long width = hi - first < block ? hi - first : block;
            decay_avx512(a, deltat, n, first, width, decay);
            step_avx512(decay, bt, ct, xt, deltat, skip, n, first, width, lo, h, carry, y + t * dd);
        }
    }
}

AVX512 static void scan_rows_avx512_16(const double *x, const double *delta, const double *a, const double *b, const double *c,
                                       const double *skip, long dd, long t0, long t1, long lo, long hi,
                                       double *h, int carry, double *y, double *decay) {
    // The two uses, each compiled with its mode fixed: the scan and the carry.
    if (carry) scan_rows_avx512(x, delta, a, b, c, skip, dd, 16, t0, t1, lo, hi, h, 1, y, decay, channel_block(16));
    else scan_rows_avx512(x, delta, a, b, c, skip, dd, 16, t0, t1, lo, hi, h, 0, y, decay, channel_block(16));
}

AVX512 static void scan_rows_avx512_any(const double *x, const double *delta, const double *a, const double *b, const double *c,
                                        const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                                        double *h, int carry, double *y, double *decay) {
    scan_rows_avx512(x, delta, a, b, c, skip, dd, n, t0, t1, lo, hi, h, carry, y, decay, channel_block(n));
}
#endif

void ass_scan_rows_portable(const double *x, const double *delta, const double *a, const double *b, const double *c,
                            const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                            double *h, int carry, double *y, double *decay) {
    long block = channel_block(n);
    for (long t = t0; t < t1; t++) {
        const double *xt = x + t * dd, *deltat = delta + t * dd, *bt = b + t * n, *ct = c + t * n;
        for (long first = lo; first < hi; first += block) {
            long width = hi - first < block ? hi - first : block;
            for (long j = 0; j < width; j++) {                       // Δ_t·A_d
                double s = deltat[first + j];
                const double *row = a + (first + j) * n;
                for (long i = 0; i < n; i++) decay[j * n + i] = s * row[i];
            }
            ass_vector_exp(decay, decay, width * n);
            step_rows_scalar(decay, bt, ct, xt, deltat, skip, n, first, width, lo, h, carry, y + t * dd);
        }
    }
}

void ass_scan_rows(const double *x, const double *delta, const double *a, const double *b, const double *c,
                   const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                   double *h, int carry, double *y, double *decay) {
#if defined(__x86_64__)
    if (ass_has_avx512()) {
        if (n == 16) scan_rows_avx512_16(x, delta, a, b, c, skip, dd, t0, t1, lo, hi, h, carry, y, decay);
        else scan_rows_avx512_any(x, delta, a, b, c, skip, dd, n, t0, t1, lo, hi, h, carry, y, decay);
        return;
    }
#endif
    ass_scan_rows_portable(x, delta, a, b, c, skip, dd, n, t0, t1, lo, hi, h, carry, y, decay);
}

// ---- Blelloch's tree for one channel (`selectiveScanParallel` in ParallelScan.swift) ----

/// (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂) on the N entries of two tree nodes, the result in node 2.
static inline void combine_scalar(const double *a1, const double *b1, double *a2, double *b2, long n) {
    for (long k = 0; k < n; k++) { double a = a2[k]; a2[k] = a1[k] * a; b2[k] = a * b1[k] + b2[k]; }
}

#if defined(__x86_64__)
/// The same, eight entries per register (the last masked), a₂b₁ + b₂ by one FMA.
AVX512 static inline __attribute__((always_inline)) void combine_avx512(const double *a1, const double *b1, double *a2, double *b2,
                                                                        long n) {
    for (long k = 0; k < n; k += 8) {
        __mmask8 m = n - k >= 8 ? 0xFF : (__mmask8)((1u << (n - k)) - 1);
        __m512d a = _mm512_maskz_loadu_pd(m, a2 + k);
        _mm512_mask_storeu_pd(a2 + k, m, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, a1 + k), a));
        _mm512_mask_storeu_pd(b2 + k, m, _mm512_fmadd_pd(a, _mm512_maskz_loadu_pd(m, b1 + k), _mm512_maskz_loadu_pd(m, b2 + k)));
    }
}

/// Down-sweep node pair, b-parts only: left ← p (the right node's prefix), right ← p ⊕ left,
/// whose b-part is a_left·b_p + b_left. The prefixes' a-parts are never read — a b-part needs only
/// the prefix's b and the left subtree's a from the up-sweep, which stays in place — so they are
/// not formed: the same b-parts, bit for bit, for half the down-sweep's traffic.
AVX512 static inline __attribute__((always_inline)) void down_avx512(const double *al, double *bl, double *br, long n) {
    for (long k = 0; k < n; k += 8) {
        __mmask8 m = n - k >= 8 ? 0xFF : (__mmask8)((1u << (n - k)) - 1);
        __m512d pb = _mm512_maskz_loadu_pd(m, br + k);
        __m512d la = _mm512_maskz_loadu_pd(m, al + k), lb = _mm512_maskz_loadu_pd(m, bl + k);
        _mm512_mask_storeu_pd(bl + k, m, pb);
        _mm512_mask_storeu_pd(br + k, m, _mm512_fmadd_pd(la, pb, lb));
    }
}


/// The leaves t ∈ [t0, t1) ∩ [0, L): (Ā_t, Δ_t x_t B_t) with Ā_t = exp(Δ_t·A) formed in the
/// register the exp takes; identity (1, 0) for t ≥ L.
AVX512 static inline __attribute__((always_inline)) void leaves_avx512(const double *x, const double *delta, long stride,
                                                                       const double *a, const double *b, long l, long t0, long t1,
                                                                       long n, double *ea, double *eb) {
    for (long t = t0; t < t1 && t < l; t++) {
        double dt = delta[t * stride];
        __m512d step = _mm512_set1_pd(dt), scale = _mm512_set1_pd(dt * x[t * stride]);
        for (long k = 0; k < n; k += 8) {
            __mmask8 m = n - k >= 8 ? 0xFF : (__mmask8)((1u << (n - k)) - 1);
            _mm512_mask_storeu_pd(ea + t * n + k, m, _ZGVeN8v_exp(_mm512_mul_pd(step, _mm512_maskz_loadu_pd(m, a + k))));
            _mm512_mask_storeu_pd(eb + t * n + k, m, _mm512_mul_pd(scale, _mm512_maskz_loadu_pd(m, b + t * n + k)));
        }
    }
    for (long i = (t0 > l ? t0 : l) * n; i < t1 * n; i++) { ea[i] = 1; eb[i] = 0; }
}

/// y_t for t ∈ [t0, t1) ∩ [0, L): C_t·h_t + D x_t, eight steps' sums reduced together. h_t, the
/// inclusive prefix's b-part, is the exclusive prefix of t + 1, which the down-sweep leaves in
/// eb[t + 1] (the same combine, a_t·exclusive_t + b_t, formed there); only the last leaf of the
/// tree (t = P − 1 = L − 1) has no successor, and gets a_t·exclusive_t + b_t here, its Ā_t
/// formed again as in `leaves_avx512`.
AVX512 static inline __attribute__((always_inline)) void readout_avx512(const double *x, const double *delta, long stride,
                                                                        const double *a, const double *b, const double *c,
                                                                        double skip, long l, long padded, long t0, long t1, long n,
                                                                        const double *eb, double *y) {
    long end = t1 < l ? t1 : l;
    for (long first = t0; first < end; first += 8) {
        long group = end - first < 8 ? end - first : 8;
        __m512d acc[8];
        for (long g = 0; g < 8; g++) {
            long t = first + g;
            acc[g] = _mm512_setzero_pd();
            if (g >= group) continue;
            for (long k = 0; k < n; k += 8) {
                __mmask8 m = n - k >= 8 ? 0xFF : (__mmask8)((1u << (n - k)) - 1);
                __m512d h;
                if (t + 1 < padded) h = _mm512_maskz_loadu_pd(m, eb + (t + 1) * n + k);
                else {
                    double dt = delta[t * stride];
                    __m512d decay = _ZGVeN8v_exp(_mm512_mul_pd(_mm512_set1_pd(dt), _mm512_maskz_loadu_pd(m, a + k)));
                    __m512d drive = _mm512_mul_pd(_mm512_set1_pd(dt * x[t * stride]), _mm512_maskz_loadu_pd(m, b + t * n + k));
                    h = _mm512_fmadd_pd(decay, _mm512_maskz_loadu_pd(m, eb + t * n + k), drive);
                }
                acc[g] = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, c + t * n + k), h, acc[g]);
            }
        }
        double sums[8];
        _mm512_storeu_pd(sums, sum_lanes8(acc));
        for (long g = 0; g < group; g++) y[(first + g) * stride] = sums[g] + skip * x[(first + g) * stride];
    }
}

/// One channel, AVX-512. The tree's levels below `group` (32 leaves: 2·32·N doubles, in L1) run
/// group by group, fused with the work on either side: each group's leaves are formed and its
/// up-sweep levels s = 1 … 16 done while it is in L1; after the upper levels of both sweeps, each
/// group's down-sweep levels s = 16 … 1, then the read-out of the group before it (whose last
/// step reads the first exclusive prefix of this one). The combines and their order per node are
/// those of the level-by-level tree (levels below 32 never cross a group).
AVX512 static inline __attribute__((always_inline)) void channel_blelloch_avx512(const double *x, const double *delta, long stride,
                                                                                 const double *a, const double *b, const double *c,
                                                                                 double skip, long l, long padded, long n, double *work,
                                                                                 double *y) {
    // The two arrays staggered by 192 bytes: at offsets that are multiples of 4 KiB, a store to
    // one and a load from the other at the same index would falsely depend (4K aliasing).
    double *ea = work, *eb = work + padded * n + 24;
    long group = padded < 32 ? padded : 32;
    for (long g0 = 0; g0 < padded; g0 += group) {                        // leaves + low up-sweep levels, per group
        leaves_avx512(x, delta, stride, a, b, l, g0, g0 + group, n, ea, eb);
        for (long s = 1; s < group; s *= 2)
            for (long i = g0 + 2 * s - 1; i < g0 + group; i += 2 * s)
                combine_avx512(ea + (i - s) * n, eb + (i - s) * n, ea + i * n, eb + i * n, n);
    }
    for (long s = group; s < padded; s *= 2)                             // upper up-sweep levels
        for (long i = 2 * s - 1; i < padded; i += 2 * s) combine_avx512(ea + (i - s) * n, eb + (i - s) * n, ea + i * n, eb + i * n, n);
    for (long k = 0; k < n; k++) eb[(padded - 1) * n + k] = 0;          // the root's prefix: the identity's b-part
    for (long s = padded / 2; s >= group; s /= 2)                        // upper down-sweep levels
        for (long i = 2 * s - 1; i < padded; i += 2 * s) down_avx512(ea + (i - s) * n, eb + (i - s) * n, eb + i * n, n);
    long last = 0;
    for (long g0 = 0; g0 < padded && g0 <= l; g0 += group) {             // low down-sweep levels, then the previous group's read-out
        for (long s = group / 2; s >= 1; s /= 2)
            for (long i = g0 + 2 * s - 1; i < g0 + group; i += 2 * s)
                down_avx512(ea + (i - s) * n, eb + (i - s) * n, eb + i * n, n);
        if (g0 > 0) readout_avx512(x, delta, stride, a, b, c, skip, l, padded, g0 - group, g0, n, eb, y);
        last = g0;
    }
    readout_avx512(x, delta, stride, a, b, c, skip, l, padded, last, last + group, n, eb, y);
}

AVX512 static void blelloch_avx512_16(const double *x, const double *delta, long stride, const double *a, const double *b,
                                      const double *c, double skip, long l, long padded, double *work, double *y) {
    channel_blelloch_avx512(x, delta, stride, a, b, c, skip, l, padded, 16, work, y);
}
AVX512 static void blelloch_avx512_any(const double *x, const double *delta, long stride, const double *a, const double *b,
                                       const double *c, double skip, long l, long padded, long n, double *work, double *y) {
    channel_blelloch_avx512(x, delta, stride, a, b, c, skip, l, padded, n, work, y);
}
#endif

void ass_scan_blelloch(const double *x, const double *delta, long stride, const double *a, const double *b, const double *c,
                       double skip, long l, long padded, long n, double *work, double *y) {
#if defined(__x86_64__)
    if (ass_has_avx512()) {
        if (n == 16) blelloch_avx512_16(x, delta, stride, a, b, c, skip, l, padded, work, y);
        else blelloch_avx512_any(x, delta, stride, a, b, c, skip, l, padded, n, work, y);
        return;
    }
#endif
    ass_scan_blelloch_portable(x, delta, stride, a, b, c, skip, l, padded, n, work, y);
}

void ass_scan_blelloch_portable(const double *x, const double *delta, long stride, const double *a, const double *b,
                                const double *c, double skip, long l, long padded, long n, double *work, double *y) {
    double *ea = work, *eb = work + padded * n, *decay = work + 2 * padded * n;
    for (long t = 0; t < l; t++)                                        // Δ_t·A, then Ā = exp of it (one call)
        for (long k = 0; k < n; k++) decay[t * n + k] = delta[t * stride] * a[k];
    ass_vector_exp(decay, decay, l * n);
    for (long t = 0; t < l; t++) {                                      // leaves: (Ā_t, Δ_t x_t B_t); identity padding
        double scale = delta[t * stride] * x[t * stride];
        for (long k = 0; k < n; k++) { ea[t * n + k] = decay[t * n + k]; eb[t * n + k] = scale * b[t * n + k]; }
    }
    for (long i = l * n; i < padded * n; i++) { ea[i] = 1; eb[i] = 0; }
    for (long s = 1; s < padded; s *= 2)
        for (long i = 2 * s - 1; i < padded; i += 2 * s) combine_scalar(ea + (i - s) * n, eb + (i - s) * n, ea + i * n, eb + i * n, n);
    for (long k = 0; k < n; k++) { ea[(padded - 1) * n + k] = 1; eb[(padded - 1) * n + k] = 0; }
    for (long s = padded / 2; s >= 1; s /= 2)
        for (long i = 2 * s - 1; i < padded; i += 2 * s) {
            double *al = ea + (i - s) * n, *bl = eb + (i - s) * n, *ar = ea + i * n, *br = eb + i * n;
            for (long k = 0; k < n; k++) {
                double pa = ar[k], pb = br[k], la = al[k], lb = bl[k];
                al[k] = pa; bl[k] = pb; ar[k] = pa * la; br[k] = la * pb + lb;
            }
        }
    for (long t = 0; t < l; t++) {                                      // h_t = Ā_t·(exclusive b) + Δ_t x_t B_t; y_t = C_t·h_t + D x_t
        double scale = delta[t * stride] * x[t * stride], out = 0;
        for (long k = 0; k < n; k++) out += c[t * n + k] * (decay[t * n + k] * eb[t * n + k] + scale * b[t * n + k]);
        y[t * stride] = out + skip * x[t * stride];
    }
}
