import Course
import Numerics

extension Student {
    /// **Exercise 04.3 — S4D as an RNN: one step.**
    ///
    /// Task: advance a diagonal SSM by one input u and read its output (ZOH, as in 04.1):
    ///
    ///     x_n ← e^{ΔA_n} x_n + B̄_n u,   B̄_n = (e^{ΔA_n} − 1)/A_n · B_n
    ///     y   = 2 · Re Σ_n C_n x_n        (read *after* the update)
    ///
    /// Called L times from x = 0, it must reproduce the convolution y = K ∗ u of 04.1 — the RNN
    /// view that makes generation O(N) per token.
    /// - Parameters: `state` x (M), `a` A (M), `b` B (M), `c` C (M), `step` Δ > 0, `u` the input.
    /// - Returns: the new state (M) and y.
    /// - Graded against: `S4D.scan(_:step:)` over a random sequence, relative error ≤ 1e-10.
    public static func recurrentStep(state: [Complex<Double>], a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>],
                                     step: Double, input u: Double) throws -> (state: [Complex<Double>], output: Double)
    {
        throw NotImplemented("04.3")
    }
}
