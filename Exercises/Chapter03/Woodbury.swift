import Course
import Numerics

extension Student {
    /// **Exercise 03.2 — the Woodbury correction.**
    ///
    /// Task: S4's A = V(Λ − P̃P̃*)V* is diagonal plus rank one, so its resolvent is the diagonal
    /// one corrected by the Woodbury identity (S4, Algorithm 1, step 3). With the four Cauchy sums
    /// k_ab(g) = Σ_n a_n b_n/(g − Λ_n) (+ conjugate partners) already evaluated at each point g_j,
    /// the generating function at that point is
    ///
    ///     K̂_j = c_j · [ kCB_j − kCP_j · (1 + kPP_j)⁻¹ · kPB_j ]
    ///
    /// with kCB = k(C̃V, B̃), kCP = k(C̃V, P̃), kPB = k(P̃*, B̃), kPP = k(P̃*, P̃) and c_j = 2/(1 + ω_j)
    /// the bilinear map's factor. Everything is a complex scalar per point.
    /// - Parameters: five arrays of J ≥ 1 complex numbers.
    /// - Returns: K̂ (J).
    /// - Graded against: `s4GeneratingFunction` (given the library's own four Cauchy sums), relative error ≤ 1e-10.
    public static func woodbury(kCB: [Complex<Double>], kCP: [Complex<Double>], kPB: [Complex<Double>], kPP: [Complex<Double>],
                                scale c: [Complex<Double>]) throws -> [Complex<Double>]
    {
        throw NotImplemented("03.2")
    }
}
