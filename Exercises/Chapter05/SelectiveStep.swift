import Course

extension Student {
    /// **Exercise 05.1 — one step of the selective scan.**
    ///
    /// Task: advance Mamba's selective SSM by one token, every channel d and state index n
    /// (Mamba, Gu & Dao 2023, Algorithm 2; the discretisation of its reference code):
    ///
    ///     Ā_dn = exp(Δ_d · A_dn)                      (zero-order hold for A)
    ///     h_dn ← Ā_dn · h_dn + Δ_d · B_n · x_d        (Euler for B: B̄ = ΔB, as the reference code)
    ///     y_d  = Σ_n C_n · h_dn + D_d · x_d
    ///
    /// Δ, B and C already depend on the token (they are the *selection*); you receive them.
    /// - Parameters: `h` (D·N, row d = channel), `x` (D), `delta` Δ (D, ≥ 0), `a` A (D·N, < 0),
    ///   `b` B (N), `c` C (N), `skip` D (D).
    /// - Returns: the new state (D·N) and y (D).
    /// - Graded against: `selectiveScan(_:)` over a random sequence, relative error ≤ 1e-12.
    public static func selectiveStep(state h: [Double], x: [Double], delta: [Double], a: [Double], b: [Double], c: [Double],
                                     skip: [Double]) throws -> (state: [Double], y: [Double])
    {
        throw NotImplemented("05.1")
    }
}
