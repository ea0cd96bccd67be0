import Course
import Numerics

extension Student {
    /// **Exercise 04.1 — the S4D kernel as a Vandermonde product.**
    ///
    /// Task: a diagonal SSM (S4D: Gu, Gupta, Goel & Ré 2022) discretised by zero-order hold has
    ///
    ///     Ā_n = e^{ΔA_n},   B̄_n = (e^{ΔA_n} − 1)/A_n · B_n,
    ///     K_l = 2 · Re Σ_n C_n B̄_n e^{lΔA_n}      l = 0 … L−1
    ///
    /// — a Vandermonde matrix (entries (e^{ΔA_n})ˡ) times the vector C ⊙ B̄. Each stored mode
    /// stands for a conjugate pair (hence the 2 and the real part).
    /// - Parameters: `a` A (M, Re < 0), `b` B (M), `c` C (M), `step` Δ > 0, `length` L ≥ 1.
    /// - Returns: K (L).
    /// - Graded against: `S4D.kernel(step:length:)`, relative error ≤ 1e-10.
    public static func vandermondeKernel(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>], step: Double,
                                         length: Int) throws -> [Double]
    {
        throw NotImplemented("04.1")
    }
}
