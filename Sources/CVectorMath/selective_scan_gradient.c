#include "selective_scan_gradient.h"
#include "clones.h"

// The sums over the state index (C·h, λ·B, r·A) may be reassociated so that they run in vector
// lanes; products may be fused (FMA). The results then differ from the Swift loops in rounding
// only (Tests/StateSpaceTests/Learning/LearningScanKernelTests.swift bounds the difference). The
// inner loops run over N = 16 state entries in Mamba: four lanes and no interleaving keep all of
// them in the vector loop (a wider or interleaved loop would leave N = 16 to its scalar remainder).

CLONES
void ass_scan_forward_chunk(long count, long n, const double *restrict before, const double *restrict decay,
                            const double *restrict b, const double *restrict c, const double *restrict x, const double *restrict delta,
                            double skip, double *restrict states, double *restrict y) {
#pragma clang fp reassociate(on) contract(fast)
    const double *previous = before;
    for (long j = 0; j < count; j++) {
        const double *ab = decay + j * n, *bt = b + j * n, *ct = c + j * n;
        double *h = states + j * n;
        double input = delta[j] * x[j], out = 0;
#pragma clang loop vectorize_width(4) interleave_count(1)
        for (long i = 0; i < n; i++) {
            double v = ab[i] * previous[i] + bt[i] * input;
            h[i] = v;
            out += ct[i] * v;
        }
        if (y) y[j] = out + skip * x[j];
        previous = h;
    }
}

CLONES
void ass_scan_reverse_chunk(long count, long n, const double *restrict states, const double *restrict before,
                            const double *restrict decay, double *restrict lambda, const double *restrict a, double *restrict dA,
                            const double *restrict b, const double *restrict c, double *restrict dB, double *restrict dC,
                            const double *restrict gy, const double *restrict x, const double *restrict delta, double skip,
                            double *restrict dx, double *restrict ddelta, double *restrict dskip) {
#pragma clang fp reassociate(on) contract(fast)
    for (long j = count - 1; j >= 0; j--) {
        const double *h = states + j * n, *previous = j == 0 ? before : states + (j - 1) * n;
        const double *ab = decay + j * n, *bt = b + j * n, *ct = c + j * n;
        double *dbt = dB + j * n, *dct = dC + j * n;
        double g = gy[j], step = delta[j], drive = step * x[j], lambdaB = 0, rA = 0;
#pragma clang loop vectorize_width(4) interleave_count(1)
        for (long i = 0; i < n; i++) {
            double total = lambda[i] + g * ct[i];                      // λ_t
            dct[i] += g * h[i];
            dbt[i] += total * drive;
            lambdaB += total * bt[i];
            double r = total * previous[i] * ab[i];                      // ∂ℓ/∂(Δ_t A) through Ā_t
            rA += r * a[i];
            dA[i] += r * step;
            lambda[i] = ab[i] * total;                                   // Ā_t ⊙ λ_t
        }
        dx[j] = skip * g + step * lambdaB;
        ddelta[j] = x[j] * lambdaB + rA;
        *dskip += g * x[j];                                             // step by step: the same sum in every chunking
    }
}
