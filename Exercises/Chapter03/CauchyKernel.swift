import Course
import Numerics

extension Student {
    /// **Exercise 03.1 — the Cauchy kernel, with conjugate pairs.**
    ///
    /// Task: S4 reduces its kernel to sums of the form (S4, Gu, Goel & Ré 2022, Algorithm 1, step 2)
    ///
    ///     k(z_j) = Σ_n [ w_n / (z_j − λ_n)  +  w̄_n / (z_j − λ̄_n) ]      j = 0 … J−1
    ///
    /// where each stored pole λ_n (Im λ_n > 0) stands for itself and its conjugate partner λ̄_n,
    /// whose weight is w̄_n: a real system's eigenvalues and weights come in conjugate pairs, so
    /// only half of them are kept.
    /// - Parameters: `weights` w (M), `poles` λ (M), `points` z (J); M, J ≥ 1; no z_j on a pole.
    /// - Returns: k (J).
    /// - Graded against: `cauchyKernel(weights:poles:points:conjugatePairs: true)`, relative error ≤ 1e-12.
    public static func cauchy(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>]) throws
        -> [Complex<Double>]
    {
        throw NotImplemented("03.1")
    }
}
