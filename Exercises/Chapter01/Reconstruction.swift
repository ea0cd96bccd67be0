import Course

extension Student {
    /// **Exercise 01.3 — what a LegT state remembers.**
    ///
    /// Task: reconstruct the last θ time units of the signal from LegT's state c (N):
    ///
    ///     f(now − age) ≈ Σ_n c_n · √(2n+1) · P_n(x),   x = 1 − 2·age/θ,   0 ≤ age ≤ θ
    ///
    /// where P_n are the Legendre polynomials (P_0 = 1, P_1 = x,
    /// (n+1)P_{n+1} = (2n+1)x P_n − n P_{n−1}). The orientation matters: age 0 (*now*) is x = +1,
    /// age θ (the oldest moment still in the window) is x = −1.
    /// - Parameters: `c` the state (N ≥ 1), `theta` θ > 0, `ages` (J ≥ 1), each in [0, θ].
    /// - Returns: f̂ at each age (J).
    /// - Graded against: `HiPPOMeasure.legT(window:).reconstruct(state:at:now:)`, relative error ≤ 1e-11.
    public static func legTReconstruction(state c: [Double], window theta: Double, ages: [Double]) throws -> [Double] {
        throw NotImplemented("01.3")
    }
}
