#ifndef ANNOTATED_STATE_SPACES_CAUSAL_CONV_DIRECT_H
#define ANNOTATED_STATE_SPACES_CAUSAL_CONV_DIRECT_H

// Causal convolutions of many channels at once by their direct sums, for short sequences
// (`S4DCore` with `.direct`; Sources/StateSpace/Learning/S4DCore.swift has the derivation).
// Layouts: x, g, y, dx are (B·L, H) row-major, B sequences of L rows of H channels; kt is the
// H kernels transposed, (L, H): kt[j·H + h] = K_h[j]. The loops run over the H channels of a row
// (contiguous), compiled for AVX-512, AVX2 and baseline x86-64 and chosen for the running CPU.
// No two pointer arguments may overlap.

/// y[s, t, h] = Σ_{j = 0…t} K_h[j] · x[s, t − j, h]   (written, not added).
void ass_causal_conv_rows(const double *restrict kt, const double *restrict x, long batch, long length, long width,
                          double *restrict y);

/// dx[s, t, h] = Σ_{j = 0…L−1−t} K_h[j] · g[s, t + j, h]   (the correlation of g with K; written).
void ass_causal_corr_rows(const double *restrict kt, const double *restrict g, long batch, long length, long width,
                          double *restrict dx);

/// dkt[j, h] = Σ_s Σ_{t = j…L−1} g[s, t, h] · x[s, t − j, h]   (the correlation of g with x; written).
void ass_causal_conv_kernel_gradient(const double *restrict g, const double *restrict x, long batch, long length, long width,
                                     double *restrict dkt);

#endif
