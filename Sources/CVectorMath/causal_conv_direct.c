#include "causal_conv_direct.h"
#include "clones.h"

// Each output row is a sum of products of rows, H channels wide: the inner loops over h are
// independent and vectorise; products may be fused with their sums (FMA), so the results can
// differ from the FFT route in rounding only (Tests/StateSpaceTests/Learning/S4DCoreTests.swift).

CLONES
void ass_causal_conv_rows(const double *restrict kt, const double *restrict x, long batch, long length, long width,
                          double *restrict y) {
#pragma clang fp contract(fast)
    for (long s = 0; s < batch; s++) {
        const double *xs = x + s * length * width;
        for (long t = 0; t < length; t++) {
            double *row = y + (s * length + t) * width;
            for (long h = 0; h < width; h++) row[h] = 0;
            for (long j = 0; j <= t; j++) {
                const double *k = kt + j * width, *u = xs + (t - j) * width;
                for (long h = 0; h < width; h++) row[h] += k[h] * u[h];
            }
        }
    }
}

CLONES
void ass_causal_corr_rows(const double *restrict kt, const double *restrict g, long batch, long length, long width,
                          double *restrict dx) {
#pragma clang fp contract(fast)
    for (long s = 0; s < batch; s++) {
        const double *gs = g + s * length * width;
        for (long t = 0; t < length; t++) {
            double *row = dx + (s * length + t) * width;
            for (long h = 0; h < width; h++) row[h] = 0;
            for (long j = 0; t + j < length; j++) {
                const double *k = kt + j * width, *v = gs + (t + j) * width;
                for (long h = 0; h < width; h++) row[h] += k[h] * v[h];
            }
        }
    }
}

CLONES
void ass_causal_conv_kernel_gradient(const double *restrict g, const double *restrict x, long batch, long length, long width,
                                     double *restrict dkt) {
#pragma clang fp contract(fast)
    for (long i = 0; i < length * width; i++) dkt[i] = 0;
    for (long s = 0; s < batch; s++) {
        const double *gs = g + s * length * width, *xs = x + s * length * width;
        for (long j = 0; j < length; j++) {
            double *row = dkt + j * width;
            for (long t = j; t < length; t++) {
                const double *v = gs + t * width, *u = xs + (t - j) * width;
                for (long h = 0; h < width; h++) row[h] += v[h] * u[h];
            }
        }
    }
}
