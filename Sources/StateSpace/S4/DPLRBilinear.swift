import Numerics

/// The bilinear discretisation of a DPLR system, applied without any N×N matrix:
///
///     Ā = (I − Δ/2·A)⁻¹ (I + Δ/2·A),   B̄ = (I − Δ/2·A)⁻¹ Δ B,   A = Λ − P̃P̃* (eigenbasis).
///
/// The forward half is diagonal plus rank one: (I + Δ/2·A)x = x + Δ/2·Λx − Δ/2·P̃(P̃*x). The
/// backward half is the inverse of D + Δ/2·P̃P̃* with D = I − Δ/2·Λ diagonal, which the Woodbury
/// identity gives as
///
///     (D + Δ/2·P̃P̃*)⁻¹ y = D⁻¹y − D⁻¹P̃ · (P̃*D⁻¹y) / (2/Δ + P̃*D⁻¹P̃).
///
/// Every step is O(N). The state is kept as its N/2 conjugate-pair representatives; inner
/// products over the full state, like P̃*x, are real and equal 2·Re of the half sum.
/// This is S4's RNN mode: generation one token at a time, O(N) per token.
public struct DPLRBilinear: Sendable {
    public let dplr: DPLR
    public let step: Double
    let dInverse: [Complex<Double>]                                  // (N/2): 1/(1 − Δ/2·Λ_n)
    let woodburyDenominator: Double                                  // 2/Δ + P̃*D⁻¹P̃ (real)

    /// - Parameter step: Δ, finite and in `dplr.bilinearStepRange` = [ε/min|Λ_n|, 4/(ε·max|Λ_n|)]
    ///   (ε = 2⁻⁵²): outside it Ā rounds to 1 (Δ too small) or −1 (too large) in every mode.
    /// - Throws: `invalidParameter` for Δ ≤ 0, not finite, or outside that range.
    /// - Complexity: O(N).
    public init(_ dplr: DPLR, step: Double) throws {
        try StepRange.requireBilinear(step, dplr.lambda, "step Δ")
        self.dplr = dplr
        self.step = step
        dInverse = dplr.lambda.map { Complex(1, 0) / (Complex(1, 0) - $0.multiplied(by: step / 2)) }
        woodburyDenominator = 2 / step + pairSum(dplr.p.map(\.conjugate), zip(dInverse, dplr.p).map { $0 * $1 })
    }

    /// x ↦ Ā x + B̄ u = (I − Δ/2·A)⁻¹[(I + Δ/2·A)x + Δ B̃ u]. `x` (N/2) → (N/2).
    ///
    /// It checks its input (O(N), the cost of the step itself) rather than trusting it: one
    /// token of generation is not an inner loop — `scan` runs the same step unchecked.
    /// - Throws: `shapeMismatch` unless x has N/2 entries (the conjugate-pair representatives);
    ///   `nonFinite` for a NaN or ±∞ in x or u (so a NaN never enters the state silently);
    ///   `invalidParameter` if the new state overflows Double (u or x too large).
    /// - Complexity: O(N).
    public func advance(_ x: [Complex<Double>], input u: Double) throws -> [Complex<Double>] {
        try requireCount(x.count, dplr.lambda.count, "state x (N/2 = \(dplr.lambda.count) conjugate-pair representatives)")
        try requireFinite(x, "state x")
        try requireFinite([u], "input u")
        var state = SplitState(x)
        SplitModel(self).advance(&state, input: u)
        try requireNoOverflow(state.re + state.im, of: [("input u", [u]), ("state x", x.map(\.length))], result: "new state")
        return state.complex
    }

    /// The recurrent view: y_k = C x_k with C given in the original basis (N), x_{−1} = 0.
    /// `u` (L) → (L).
    /// - Throws: `shapeMismatch` for a C of the wrong length; `nonFinite`; `invalidParameter`
    ///   (L = 0, or u so large that the output overflows Double).
    /// - Complexity: O(L·N), no allocation per step.
    public func scan(_ u: [Double], c: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let cv = SplitState(try dplr.rowInEigenbasis(c))               // (N/2): CV
        let model = SplitModel(self)
        var x = SplitState(count: dplr.lambda.count)                    // (N/2)
        let y = u.map { value in
            model.advance(&x, input: value)
            return pairSum(cv, x)
        }
        try requireNoOverflow(y, of: [("input u", u), ("C", c)])
        return y
    }
}

/// A vector of N/2 complex numbers stored as separate real and imaginary parts, so the O(N)
/// step is plain Double arithmetic (no generic Complex calls, no allocation).
struct SplitState {
    var re: [Double], im: [Double]                                     // (N/2) each
    init(count: Int) { re = [Double](repeating: 0, count: count); im = re }
    init(_ z: [Complex<Double>]) { re = z.map(\.real); im = z.map(\.imaginary) }
    var complex: [Complex<Double>] { zip(re, im).map { Complex($0, $1) } }
}

/// 2·Re Σ_n a_n x_n over the conjugate-pair representatives.
@inline(__always)
func pairSum(_ a: SplitState, _ x: SplitState) -> Double {
    var s = 0.0
    for n in a.re.indices { s += a.re[n] * x.re[n] - a.im[n] * x.im[n] }
    return 2 * s
}

/// The numbers of one bilinear DPLR step, split into real and imaginary parts.
struct SplitModel {
    let halfStep: Double, step: Double, denominator: Double
    let lambda: SplitState, p: SplitState, pConjugate: SplitState, b: SplitState, dInverse: SplitState, dInverseP: SplitState

    init(_ m: DPLRBilinear) {
        halfStep = m.step / 2
        step = m.step
        denominator = m.woodburyDenominator
        lambda = SplitState(m.dplr.lambda)
        p = SplitState(m.dplr.p)
        pConjugate = SplitState(m.dplr.p.map(\.conjugate))
        b = SplitState(m.dplr.b)
        dInverse = SplitState(m.dInverse)
        dInverseP = SplitState(zip(m.dInverse, m.dplr.p).map { $0 * $1 })
    }

    /// x ← D⁻¹[x + Δ/2·Λx − Δ/2·P̃(P̃*x) + ΔB̃u], then the Woodbury correction
    /// x ← x − D⁻¹P̃·(P̃*x)/(2/Δ + P̃*D⁻¹P̃).
    @inline(__always)
    func advance(_ x: inout SplitState, input u: Double) {
        let px = halfStep * pairSum(pConjugate, x)                     // Δ/2·P̃*x, real
        let bu = step * u
        for n in x.re.indices {
            let xr = x.re[n], xi = x.im[n]
            // y = x + Δ/2·Λx − Δ/2·P̃(P̃*x) + ΔB̃u
            let yr = xr + halfStep * (lambda.re[n] * xr - lambda.im[n] * xi) - p.re[n] * px + b.re[n] * bu
            let yi = xi + halfStep * (lambda.re[n] * xi + lambda.im[n] * xr) - p.im[n] * px + b.im[n] * bu
            // D⁻¹y
            x.re[n] = dInverse.re[n] * yr - dInverse.im[n] * yi
            x.im[n] = dInverse.re[n] * yi + dInverse.im[n] * yr
        }
        let correction = pairSum(pConjugate, x) / denominator
        for n in x.re.indices {
            x.re[n] -= dInverseP.re[n] * correction
            x.im[n] -= dInverseP.im[n] * correction
        }
    }
}


/// Σ over the full conjugate-symmetric state of a_n x_n, from the N/2 representatives:
/// 2·Re Σ_half a_n x_n. (N/2), (N/2) → real.
func pairSum(_ a: [Complex<Double>], _ x: [Complex<Double>]) -> Double {
    pairSum(SplitState(a), SplitState(x))
}
