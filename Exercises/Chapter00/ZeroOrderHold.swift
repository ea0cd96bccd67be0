import Course

extension Student {
    /// **Exercise 00.1 — zero-order hold of a 2×2 system.**
    ///
    /// Task: discretise x'(t) = A x(t) + B u(t) with step Δ, holding u constant over each step:
    ///
    ///     Ā = e^{ΔA},   B̄ = ∫₀^Δ e^{sA} ds · B  (= A⁻¹(e^{ΔA} − I)B when A is invertible).
    ///
    /// A is the 2×2 matrix of a mass–spring–damper (or any real 2×2). Compute e^{ΔA} yourself: by a
    /// Taylor series of the augmented 3×3 matrix [[ΔA, ΔB], [0, 0]] (whose exponential holds Ā and
    /// B̄ in its first two rows — scale and square if ‖ΔA‖ is large), or in closed form by
    /// Cayley–Hamilton. Careful: A may be singular (a spring with no stiffness), so the formula
    /// with A⁻¹ is not enough.
    /// - Parameters: `a` A (2·2, row-major), `b` B (2), `step` Δ > 0 (with ‖ΔA‖∞ up to ~50).
    /// - Returns: `aBar` Ā (2·2, row-major), `bBar` B̄ (2).
    /// - Graded against: `discretize(a:b:step:method: .zoh)`, relative error ≤ 1e-10.
    public static func zeroOrderHold(a: [Double], b: [Double], step: Double) throws -> (aBar: [Double], bBar: [Double]) {
        throw NotImplemented("00.1")
    }
}
