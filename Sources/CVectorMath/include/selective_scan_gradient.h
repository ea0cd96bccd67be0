#ifndef ANNOTATED_STATE_SPACES_SELECTIVE_SCAN_GRADIENT_H
#define ANNOTATED_STATE_SPACES_SELECTIVE_SCAN_GRADIENT_H

// The inner loops of the selective scan's training forward and backward for one channel
// (Sources/StateSpace/Learning/SelectiveScanGradient.swift has the derivation and the readable
// Swift loops these must equal). Compiled once per instruction set (AVX-512, AVX2 + FMA,
// baseline) and chosen at load time for the running CPU. No two pointer arguments may overlap.

/// Forward over `count` steps of one channel from the state `before` (N):
///   h_t = decay_t ⊙ h_{t−1} + (Δ_t x_t) B_t,  y_t = C_t·h_t + skip·x_t.
/// states (count, N) receives h_t; y (count) receives y_t unless y is NULL.
/// decay, b, c: (count, N) rows; x, delta: (count).
void ass_scan_forward_chunk(long count, long n, const double *restrict before, const double *restrict decay,
                            const double *restrict b, const double *restrict c, const double *restrict x, const double *restrict delta,
                            double skip, double *restrict states, double *restrict y);

/// The adjoint recurrence of one channel over the chunk's steps, last first (see
/// `selectiveScanBackward`): updates lambda (N) in place and adds into dA (N), dB, dC
/// ((count, N) rows) and *dskip; writes dx, ddelta (count).
/// states (count, N) are h_t, before (N) is h_{start−1}; gy, x, delta (count) the channel's
/// ∂ℓ/∂y, x and Δ; a (N) the channel's A.
void ass_scan_reverse_chunk(long count, long n, const double *restrict states, const double *restrict before,
                            const double *restrict decay, double *restrict lambda, const double *restrict a, double *restrict dA,
                            const double *restrict b, const double *restrict c, double *restrict dB, double *restrict dC,
                            const double *restrict gy, const double *restrict x, const double *restrict delta, double skip,
                            double *restrict dx, double *restrict ddelta, double *restrict dskip);

#endif
