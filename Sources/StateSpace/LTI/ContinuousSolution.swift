extension StateSpaceModel {
    /// The continuous-time output y(t_k), t_k = kh, for an input held at u_k on (t_k − h, t_k]
    /// (the zero-order-hold timing), from rest — computed by integrating the ODE
    /// x' = A x + B u_k with classical fourth-order Runge–Kutta, `substeps` m steps of size
    /// τ = h/m per hold interval.
    ///
    /// For a linear ODE with constant input, the four RK4 stages multiply out to
    ///
    ///     x ← T₄(τA)·x + τ·S₄(τA)·B·u,   T₄(z) = 1 + z + z²/2 + z³/6 + z⁴/24,
    ///                                     S₄(z) = 1 + z/2 + z²/6 + z³/24,
    ///
    /// so we form T₄(τA) and τS₄(τA)B once and apply them: one matrix-vector product per
    /// substep, exactly the RK4 iterates. This reference shares nothing with the
    /// discretisations it checks: no exponential, no Padé, no solve, only products by A. Its
    /// error is the Taylor remainder: for a mode λ, ≈ |τλ|⁵/120 per substep, so with
    /// τ·ρ(A) ≤ 0.01 it sits near 1e-12 of that mode. Doubling m should cut it by 16.
    /// - Parameters: `heldInput` u (L); `holdInterval` h > 0; `substeps` m ≥ 1.
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (h ≤ 0, m < 1, L = 0), `nonFinite`.
    /// - Complexity: O(N³ + L·m·N²).
    public func continuousOutput(heldInput u: [Double], holdInterval h: Double, substeps m: Int) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(h, "hold interval h")
        try requirePositive(m, "substeps m")
        try requireFinite(u, "input u")
        let n = stateSize, tau = h / Double(m)
        let z = tau * a                                            // (N, N): τA
        let z2 = z * z, z3 = z2 * z, z4 = z3 * z                   // (N, N) each
        let identity = Matrix.identity(n)
        let propagate = identity + z + 0.5 * z2 + (1.0 / 6) * z3 + (1.0 / 24) * z4      // (N, N): T₄(τA)
        let inputGain = (identity + 0.5 * z + (1.0 / 6) * z2 + (1.0 / 24) * z3) * b.map { tau * $0 }  // (N): τS₄(τA)B
        let substep = DiscreteStateSpaceModel(unchecked: propagate, inputGain, c, d, tau, .zoh)
        // Repeat each held value m times and read the output at the end of each hold interval.
        var fine = [Double](repeating: 0, count: u.count * m)      // (L·m)
        for k in 0..<u.count { for j in 0..<m { fine[k * m + j] = u[k] } }
        let y = try substep.scan(fine)                             // (L·m)
        return (0..<u.count).map { y[$0 * m + m - 1] }
    }
}
