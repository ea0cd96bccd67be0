import Course
import Numerics

extension Student {
    /// **Exercise 03.3 — the S4 kernel from its generating function.**
    ///
    /// Task: the bilinear S4 kernel K_j = C Āʲ B̄ (j < L) without forming Ā (S4, Algorithm 1 and
    /// Lemma C.3), from C̃ = C(I − Āᴸ), the output row S4 learns in place of C. The system is
    /// A = V(Λ − P̃P̃*)V*, given in V's basis by its M = N/2 kept
    /// eigenvalues (each stands for a conjugate pair). At the L roots of unity ω_k = e^{−2πik/L}:
    ///
    ///     g_k = (2/Δ)(1 − ω_k)/(1 + ω_k) = i·(2/Δ)·tan(πk/L),   c_k = 2/(1 + ω_k) = 1 + i·tan(πk/L)
    ///     K̂_k = c_k · [ k(C̃V, B̃) − k(C̃V, P̃)(1 + k(P̃*, P̃))⁻¹ k(P̃*, B̃) ]  at g_k
    ///
    /// with the Cauchy sums of exercise 03.1 (weights C̃V_n·B̃_n, C̃V_n·P̃_n, conj(P̃_n)·B̃_n,
    /// |P̃_n|²; poles Λ_n; conjugate partners included) and the combination of exercise 03.2.
    /// For even L, ω = −1 (k = L/2) is a pole of g and c: use the limit K̂ = (Δ/2)·C̃B̃ there,
    /// C̃B̃ = 2·Re Σ_n C̃V_n B̃_n. Then invert the DFT:
    ///
    ///     K_j = Re (1/L) Σ_k K̂_k e^{+2πijk/L}      j = 0 … L−1
    ///
    /// (O(L²) is fine; you may call your own `cauchy` and `woodbury`).
    /// - Parameters: `lambda` Λ (M, Im > 0), `p` P̃ (M), `b` B̃ (M), `cTilde` C̃V (M), `step` Δ > 0, `length` L ≥ 1.
    /// - Returns: K (L).
    /// - Graded against: `s4Kernel(_:cTilde:step:length:)` on HiPPO-LegS, relative error ≤ 1e-9.
    public static func s4Kernel(lambda: [Complex<Double>], p: [Complex<Double>], b: [Complex<Double>], cTilde: [Complex<Double>],
                                step: Double, length: Int) throws -> [Double]
    {
        throw NotImplemented("03.3")
    }
}
