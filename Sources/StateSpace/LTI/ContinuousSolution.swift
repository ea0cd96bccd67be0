extension StateSpaceModel {
    /// The continuous-time output y(t_k), t_k = kh, for an input held at u_k on (t_k − h, t_k]
    /// (the zero-order-hold timing), from rest — computed by integrating the ODE
    /// x' = A x + B u_k with classical fourth-order Runge–Kutta, `substeps` steps per hold
    /// interval.
    ///
    /// This is the reference that the discretisations are measured against, and it shares
    /// nothing with them: no matrix exponential, no solve, only products by A. Its own error is
    /// O((h/m)⁴) per unit time; for a mode λ the local error per substep is ≈ |hλ/m|⁵/120, so with
    /// (h/m)·ρ(A) ≤ 0.01 it is ≈ 1e-12 of that mode's size. Check it by doubling `substeps`.
    /// - Parameters: `heldInput` u (L); `holdInterval` h > 0; `substeps` m ≥ 1.
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (h ≤ 0, m < 1, L = 0), `nonFinite`.
    /// - Complexity: O(L·m·N²) (4 matrix-vector products per substep).
    public func continuousOutput(heldInput u: [Double], holdInterval h: Double, substeps m: Int) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(h, "hold interval h")
        try requirePositive(m, "substeps m")
        try requireFinite(u, "input u")
        let n = stateSize, dt = h / Double(m)
        var x = [Double](repeating: 0, count: n)                   // (N)
        var y = [Double](repeating: 0, count: u.count)             // (L)
        func slope(_ state: [Double], _ input: Double) -> [Double] {
            var s = a * state                                      // (N): A x
            for i in 0..<n { s[i] += b[i] * input }                // + B u
            return s
        }
        for k in 0..<u.count {
            for _ in 0..<m {
                let k1 = slope(x, u[k])
                let k2 = slope((0..<n).map { x[$0] + 0.5 * dt * k1[$0] }, u[k])
                let k3 = slope((0..<n).map { x[$0] + 0.5 * dt * k2[$0] }, u[k])
                let k4 = slope((0..<n).map { x[$0] + dt * k3[$0] }, u[k])
                for i in 0..<n { x[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            }
            var out = d * u[k]
            for i in 0..<n { out += c[i] * x[i] }
            y[k] = out
        }
        return y
    }
}
