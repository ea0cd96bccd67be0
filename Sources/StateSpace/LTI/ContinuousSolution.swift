import CLAPACK

extension StateSpaceModel {
    /// The most RK4 substeps `continuousOutput` takes in all, L·m: 2³⁰, about 10⁹ N×N
    /// matrix-vector products (minutes at N = 16). More buys no accuracy that a reference needs.
    static let maximumTotalSubsteps = 1 << 30

    /// The continuous-time output y(t_k), t_k = kh, for an input held at u_k on (t_k − h, t_k]
    /// (the zero-order-hold timing), from rest — computed by integrating the ODE
    /// x' = A x + B u_k with classical fourth-order Runge–Kutta, `substeps` m steps of size
    /// τ = h/m per hold interval (`rungeKutta4Output`).
    ///
    /// The integrator evaluates the right-hand side f(x) = A x + B u four times per substep
    /// (k₁ = f(x), k₂ = f(x + τ/2·k₁), k₃ = f(x + τ/2·k₂), k₄ = f(x + τ·k₃),
    /// x ← x + τ/6·(k₁ + 2k₂ + 2k₃ + k₄)) in its own loop: it shares no code with the
    /// discretisations it checks (no exponential, no Padé, no solve, no Ā, not the recurrent
    /// `scan`), only products by A. Its error is RK4's: for a mode λ, ≈ |τλ|⁵/120 per substep,
    /// so with τ·ρ(A) ≤ 0.01 it sits near 1e-12 of that mode. Doubling m should cut it by 16.
    ///
    /// Accepted parameters: m ≥ 1 with τ·ρ(A) ≤ 2 (inside RK4's stability region: beyond it a
    /// decaying mode is amplified every substep, and the "reference" is noise), and at most
    /// L·m ≤ 2³⁰ substeps in all (the work is 4·L·m matrix-vector products; a product that
    /// overflows `Int` is refused the same way).
    /// - Parameters: `heldInput` u (L); `holdInterval` h > 0; `substeps` m ≥ 1.
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (h ≤ 0 or not finite, m < 1, τ·ρ(A) > 2, L·m > 2³⁰,
    ///   L = 0; a state that overflows over the span L·h, or an input so large that y does),
    ///   `nonFinite` in u.
    /// - Complexity: O(L·m·N²) time, O(L + N) memory.
    public func continuousOutput(heldInput u: [Double], holdInterval h: Double, substeps m: Int) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requirePositive(h, "hold interval h")
        try requirePositive(m, "substeps m")
        try requireTotalSubsteps(length: u.count, substeps: m)
        try requireFinite(u, "input u")
        try requireStableSubstep(h / Double(m), holdInterval: h, substeps: m)
        let y = rungeKutta4Output(count: u.count, interval: h, substeps: m) { k, _ in u[k] }   // (L)
        try requireFiniteContinuousOutput(y, input: u, span: Double(u.count) * h)
        return y
    }

    /// The continuous-time output y(t_k) at t_k = (k + 1)·h, k = 0…L−1, for a *continuous*
    /// input u(t) (a sine, a band-limited signal), from rest at t = 0 — the reference for an
    /// input that is sampled rather than held. Integrated by the same explicit RK4 as
    /// `continuousOutput(heldInput:…)`, which evaluates u at each substep's start, midpoint and
    /// end: u must be continuous (a jump inside a substep costs RK4 its order).
    /// y(t_k) = C x(t_k) + D u(t_k).
    /// - Parameters: `input` u(t), evaluated on [0, L·h] only; `sampleInterval` h > 0;
    ///   `count` L ≥ 1; `substeps` m ≥ 1 per interval, with τ·ρ(A) ≤ 2 and L·m ≤ 2³⁰.
    /// - Returns: y, (L).
    /// - Throws: as `continuousOutput(heldInput:…)`; `nonFinite` if u returns NaN or ±∞.
    /// - Complexity: O(L·m·N²) time and 2·L·m + L evaluations of u; O(L + N) memory.
    public func continuousOutput(input u: (Double) -> Double, sampleInterval h: Double, count: Int,
                                 substeps m: Int) throws -> [Double] {
        try requirePositive(count, "sequence length L")
        try requirePositive(h, "sample interval h")
        try requirePositive(m, "substeps m")
        try requireTotalSubsteps(length: count, substeps: m)
        try requireStableSubstep(h / Double(m), holdInterval: h, substeps: m)
        let samples = (0..<count).map { u(Double($0 + 1) * h) }                               // (L)
        try requireFinite(samples, "input u(t_k)")
        let y = rungeKutta4Output(count: count, interval: h, substeps: m) { _, t in u(t) }   // (L)
        try requireFinite(y, "output y (is u(t) finite between the samples?)")
        try requireFiniteContinuousOutput(y, input: samples, span: Double(count) * h)
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

    /// Classical RK4 for x' = A x + B u(t) from x(0) = 0, m substeps of τ = h/m per interval,
    /// reading y_k = C x + D u at the end of interval k. `input(k, t)` is u at time t inside
    /// interval k (the interval is passed so a held input can be constant on the closed
    /// interval, its jumps falling on substep boundaries). Four right-hand-side evaluations per
    /// substep, each one `cblas_dgemv`; no (L·m) array.
    private func rungeKutta4Output(count: Int, interval h: Double, substeps m: Int,
                                   input: (Int, Double) -> Double) -> [Double] {
        let n = stateSize, tau = h / Double(m)
        var x = [Double](repeating: 0, count: n)                   // (N): x(t)
        var stage = [Double](repeating: 0, count: n)               // (N): the point f is evaluated at
        var k1 = x, k2 = x, k3 = x, k4 = x                          // (N) each: the four stages
        var y = [Double](repeating: 0, count: count)               // (L)
        // f(v, u) = A v + B u, written into `out`.
        func rightHandSide(_ v: [Double], _ u: Double, into out: inout [Double]) {
            for i in 0..<n { out[i] = b[i] * u }
            a.elements.withUnsafeBufferPointer { pa in
                v.withUnsafeBufferPointer { pv in
                    out.withUnsafeMutableBufferPointer { po in
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(n), 1, pa.baseAddress, Int32(n),
                                    pv.baseAddress, 1, 1, po.baseAddress, 1)
                    }
                }
            }
        }
        for interval in 0..<count {
            for j in 0..<m {
                let t = Double(interval) * h + Double(j) * tau
                let (u0, uMid, u1) = (input(interval, t), input(interval, t + tau / 2), input(interval, t + tau))
                rightHandSide(x, u0, into: &k1)
                for i in 0..<n { stage[i] = x[i] + tau / 2 * k1[i] }
                rightHandSide(stage, uMid, into: &k2)
                for i in 0..<n { stage[i] = x[i] + tau / 2 * k2[i] }
                rightHandSide(stage, uMid, into: &k3)
                for i in 0..<n { stage[i] = x[i] + tau * k3[i] }
                rightHandSide(stage, u1, into: &k4)
                for i in 0..<n { x[i] += tau / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            }
            var acc = d * input(interval, Double(interval + 1) * h)
            for i in 0..<n { acc += c[i] * x[i] }
            y[interval] = acc
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
