import Course

extension Student {
    /// **Exercise 01.2 — the HiPPO-LegS matrices.**
    ///
    /// Task: the scaled-Legendre memory's (A, B) (HiPPO, Gu et al. 2020, Theorem 2, with the
    /// 1/t dropped and the stable sign), used by S4 as an LTI system:
    ///
    ///     A_nk = −√(2n+1)·√(2k+1)   n > k
    ///     A_nk = −(n + 1)            n = k
    ///     A_nk = 0                   n < k
    ///     B_n  = √(2n+1)             n, k = 0 … N−1
    ///
    /// (A is lower triangular; its eigenvalues are −1, −2, …, −N.)
    /// - Parameters: `n` N ≥ 1.
    /// - Returns: `a` A (N·N, row-major), `b` B (N).
    /// - Graded against: `legSTransition(stateSize:)`, relative error ≤ 1e-13.
    public static func legS(stateSize n: Int) throws -> (a: [Double], b: [Double]) {
        throw NotImplemented("01.2")
    }
}
