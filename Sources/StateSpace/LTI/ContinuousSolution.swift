import CLAPACK

extension StateSpaceModel {
    /// The most RK4 substeps `continuousOutput` takes in all, L·m: 2³⁰, about 10⁹ N×N
    /// matrix-vector products (minutes at N = 16). More buys no accuracy that a reference needs.
    static let maximumTotalSubsteps = 1 << 30

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
    ///
    /// Accepted parameters: m ≥ 1 with τ·ρ(A) ≤ 2 (inside RK4's stability region: beyond it a
    /// decaying mode is amplified every substep, and the "reference" is noise), and at most
    /// L·m ≤ 2³⁰ substeps in all (the work is L·m matrix-vector products; a product that
    /// overflows `Int` is refused the same way).
    /// - Parameters: `heldInput` u (L); `holdInterval` h > 0; `substeps` m ≥ 1.
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (h ≤ 0 or not finite, m < 1, τ·ρ(A) > 2, L·m > 2³⁰,
    ///   L = 0; a state that overflows over the span L·h, or an input so large that y does),
    ///   `nonFinite` in u.
    /// - Complexity: O(N³ + L·m·N²) time, O(L + N²) memory.
    public func continuousOutput(heldInput u: [Double], holdInterval h: Double, substeps m: Int) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(h, "hold interval h")
        try requirePositive(m, "substeps m")
        try requireTotalSubsteps(length: u.count, substeps: m)
        try requireFinite(u, "input u")
        let tau = h / Double(m)
        try requireStableSubstep(tau, holdInterval: h, substeps: m)
        let z = tau * a                                            // (N, N): τA
        let z2 = z * z, z3 = z2 * z, z4 = z3 * z                   // (N, N) each
        let identity = Matrix.identity(stateSize)
        let propagate = identity + z + 0.5 * z2 + (1.0 / 6) * z3 + (1.0 / 24) * z4      // (N, N): T₄(τA)
        let inputGain = (identity + 0.5 * z + (1.0 / 6) * z2 + (1.0 / 24) * z3) * b.map { tau * $0 }  // (N): τS₄(τA)B
        let y = heldOutput(u, propagate: propagate, inputGain: inputGain, substeps: m)  // (L)
        try requireFiniteContinuousOutput(y, input: u, span: Double(u.count) * h)
        return y
    }

    /// L·m ≤ 2³⁰, naming m (the parameter a caller turns up) and both factors.
    private func requireTotalSubsteps(length l: Int, substeps m: Int) throws {
        let (total, overflow) = l.multipliedReportingOverflow(by: m)
        guard !overflow, total <= Self.maximumTotalSubsteps else {
            throw StateSpaceError.invalidParameter(
                name: "substeps m", value: "\(m)",
                allowed: "L·m, the number of RK4 substeps (one N×N matrix-vector product each), must be ≤ 2^30 = "
                    + "\(Self.maximumTotalSubsteps); here L = \(l) and L·m \(overflow ? "overflows Int" : "= \(total)")")
        }
    }

    /// τ·ρ(A) ≤ 2 (and τA finite): RK4 is stable for every mode, and accurate once τ·ρ(A) ≪ 1.
    private func requireStableSubstep(_ tau: Double, holdInterval h: Double, substeps m: Int) throws {
        let radius = try spectralRadius(a, name: "A")
        guard tau * radius <= 2 else {
            let needed = (h * radius / 2).rounded(.up)
            throw StateSpaceError.invalidParameter(
                name: "substeps m", value: "\(m)",
                allowed: "the substep τ = h/m = \(tau) must satisfy τ·ρ(A) ≤ 2 (ρ(A) = \(radius)), RK4's stability limit: "
                    + "use m ≥ \(needed)")
        }
        guard maxMagnitude(a.elements) * tau < .greatestFiniteMagnitude else {
            throw StateSpaceError.invalidParameter(
                name: "hold interval h", value: "\(h)", allowed: "too large: τA = (h/m)·A overflows")
        }
    }

    /// Runs x ← T x + g·u_k m times per held value and reads y_k = C x + D u_k at the end of
    /// each hold interval. Two buffers and one `cblas_dgemv` per substep; no (L·m) array.
    private func heldOutput(_ u: [Double], propagate: Matrix, inputGain g: [Double], substeps m: Int) -> [Double] {
        let n = stateSize
        var x = [Double](repeating: 0, count: n)                   // (N)
        var next = [Double](repeating: 0, count: n)                // (N)
        var y = [Double](repeating: 0, count: u.count)             // (L)
        propagate.elements.withUnsafeBufferPointer { t in
            for k in 0..<u.count {
                for _ in 0..<m {
                    for i in 0..<n { next[i] = g[i] * u[k] }
                    x.withUnsafeBufferPointer { px in
                        next.withUnsafeMutableBufferPointer { nx in
                            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(n), 1, t.baseAddress, Int32(n),
                                        px.baseAddress, 1, 1, nx.baseAddress, 1)
                        }
                    }
                    swap(&x, &next)
                }
                var acc = d * u[k]
                for i in 0..<n { acc += c[i] * x[i] }
                y[k] = acc
            }
        }
        return y
    }

    /// A finite model and input whose output overflowed: either A grows (an eigenvalue with
    /// Re λ > 0) for longer than Double can follow, or u is too large.
    private func requireFiniteContinuousOutput(_ y: [Double], input u: [Double], span: Double) throws {
        guard y.contains(where: { !$0.isFinite }) else { return }
        let growth = try generalEigen(a, name: "A").values.reduce(-Double.infinity) { max($0, $1.real) }
        if growth > 0 {
            try requireNoOverflow(y, "time span L·h", value: "\(span)",
                                  "A has an eigenvalue with real part \(growth) > 0, so the state grows like e^{\(growth)·t}: "
                                      + "shorten the input or use a stable A")
        }
        try requireNoOverflow(y, "input u", value: "max |u| = \(maxMagnitude(u))", "scale u (or B, C, D) down")
    }
}
