import Course

extension Student {
    /// **Exercise 02.1 — the bilinear (Tustin) discretisation.**
    ///
    /// Task: discretise x' = A x + B u with step Δ as LSSL and S4 do (the
    /// bilinear method of S4, Gu, Goel & Ré 2022, Section 2.3):
    ///
    ///     Ā = (I − Δ/2·A)⁻¹ (I + Δ/2·A),    B̄ = (I − Δ/2·A)⁻¹ Δ B
    ///
    /// Solve the linear systems (Gaussian elimination with partial pivoting) rather than forming
    /// the inverse if you can; either is graded the same.
    /// - Parameters: `a` A (N·N, row-major), `b` B (N), `step` Δ > 0. N ≥ 1.
    /// - Returns: `aBar` Ā (N·N), `bBar` B̄ (N).
    /// - Graded against: `discretize(a:b:step:method: .bilinear)`, relative error ≤ 1e-10.
    public static func bilinear(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        throw NotImplemented("02.1")
    }
}
