import Course

extension Student {
    /// **Exercise 01.1 — the HiPPO-LegT matrices.**
    ///
    /// Task: the transition of the sliding-window Legendre memory with window θ (HiPPO, Gu, Dao,
    /// Ermon, Rudra & Ré 2020, the LegT case of its Theorem 1, here orthonormal and with the stable sign):
    ///
    ///     A_nk = −(1/θ)·√(2n+1)·√(2k+1) · { 1           n ≥ k
    ///                                      { (−1)^{n−k}  n < k
    ///     B_n  = (1/θ)·√(2n+1)                          n, k = 0 … N−1
    ///
    /// - Parameters: `n` N ≥ 1, `theta` θ > 0.
    /// - Returns: `a` A (N·N, row-major: entry (n, k) at n·N + k), `b` B (N).
    /// - Graded against: `legTTransition(stateSize:window:)`, relative error ≤ 1e-13.
    public static func legT(stateSize n: Int, window theta: Double) throws -> (a: [Double], b: [Double]) {
        throw NotImplemented("01.1")
    }
}
