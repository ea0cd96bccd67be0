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

    /// - Throws: `invalidParameter` for Δ ≤ 0 or not finite.
    /// - Complexity: O(N).
    public init(_ dplr: DPLR, step: Double) throws {
        try requirePositive(step, "step Δ")
        self.dplr = dplr
        self.step = step
        dInverse = dplr.lambda.map { Complex(1, 0) / (Complex(1, 0) - $0.multiplied(by: step / 2)) }
        woodburyDenominator = 2 / step + pairSum(dplr.p.map(\.conjugate), zip(dInverse, dplr.p).map { $0 * $1 })
    }

    /// x ↦ Ā x + B̄ u = (I − Δ/2·A)⁻¹[(I + Δ/2·A)x + Δ B̃ u]. `x` (N/2) → (N/2).
    /// - Complexity: O(N).
    public func advance(_ x: [Complex<Double>], input u: Double) -> [Complex<Double>] {
        let half = x.count, h = step / 2
        let px = pairSum(dplr.p.map(\.conjugate), x)                  // P̃*x, real
        var y = [Complex<Double>](repeating: .zero, count: half)        // (N/2)
        for n in 0..<half {
            y[n] = x[n] + (dplr.lambda[n] * x[n]).multiplied(by: h) - dplr.p[n].multiplied(by: h * px)
                + dplr.b[n].multiplied(by: step * u)
        }
        for n in 0..<half { y[n] = dInverse[n] * y[n] }                  // D⁻¹y
        let correction = pairSum(dplr.p.map(\.conjugate), y) / woodburyDenominator
        for n in 0..<half { y[n] = y[n] - (dInverse[n] * dplr.p[n]).multiplied(by: correction) }
        return y
    }

    /// The recurrent view: y_k = C x_k with C given in the original basis (N), x_{−1} = 0.
    /// `u` (L) → (L).
    /// - Throws: `shapeMismatch` for a C of the wrong length; `nonFinite`; `invalidParameter` (L = 0).
    /// - Complexity: O(L·N).
    public func scan(_ u: [Double], c: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let cv = try dplr.rowInEigenbasis(c)                           // (N/2): CV
        var x = [Complex<Double>](repeating: .zero, count: dplr.lambda.count)  // (N/2)
        return u.map { value in
            x = advance(x, input: value)
            return pairSum(cv, x)
        }
    }
}

/// Σ over the full conjugate-symmetric state of a_n x_n, from the N/2 representatives:
/// 2·Re Σ_half a_n x_n. (N/2), (N/2) → real.
@inline(__always)
func pairSum(_ a: [Complex<Double>], _ x: [Complex<Double>]) -> Double {
    var s = 0.0
    for n in a.indices { s += a[n].real * x[n].real - a[n].imaginary * x[n].imaginary }
    return 2 * s
}
