import Foundation
import Numerics

/// One channel of a trainable S4D layer, in the parametrisation of the S4D code (state-spaces/s4,
/// `models/s4/s4d.py` and the diagonal kernel of `src/models/sequence/kernels`): M = N/2
/// complex modes, each standing for a conjugate pair,
///
///     Λ_n = −exp(logΛre_n) + i·Λim_n     (Re Λ < 0 whatever logΛre: a stable system)
///     Δ = exp(log Δ),   z_n = e^{ΔΛ_n},   E_n = (z_n − 1)/Λ_n           (zero-order hold)
///     K_l = 2·Re Σ_n C_n B_n E_n z_nˡ = 2·Re Σ_n W_n z_nˡ,   W_n = C_n B_n E_n,   l = 0 … L−1
///
/// (S4D paper, eq. (5) with ZOH; a Vandermonde product.) B is kept trainable, as in the S4
/// repository's diagonal kernel (which registers B with the SSM learning rate); the minimal
/// `s4d.py` drops B, i.e. fixes it to 1 and lets C absorb it.
public struct S4DChannel: Sendable {
    public var logAReal: [Double]                                     // (M)
    public var aImag: [Double]                                        // (M)
    public var b: [Complex<Double>]                                   // (M)
    public var c: [Complex<Double>]                                   // (M)
    public var logStep: Double                                        // log Δ

    public init(logAReal: [Double], aImag: [Double], b: [Complex<Double>], c: [Complex<Double>], logStep: Double) {
        (self.logAReal, self.aImag, self.b, self.c, self.logStep) = (logAReal, aImag, b, c, logStep)
    }

    public var modes: Int { logAReal.count }

    /// (Λ_n, z_n = e^{ΔΛ_n}, E_n = (z_n − 1)/Λ_n), (M) each; z − 1 through expm1 and
    /// cos b − 1 = −2 sin²(b/2), so E keeps full relative accuracy for tiny Δ.
    /// - Complexity: O(M).
    public func discretized() -> (lambda: [Complex<Double>], z: [Complex<Double>], e: [Complex<Double>]) {
        let step = exp(logStep)
        var lambda: [Complex<Double>] = [], z: [Complex<Double>] = [], e: [Complex<Double>] = []
        for n in 0..<modes {
            let l = Complex(-exp(logAReal[n]), aImag[n])
            let (re, im) = (step * l.real, step * l.imaginary)
            let (magnitude, half) = (exp(re), sin(im / 2))
            let zn = Complex(magnitude * cos(im), magnitude * sin(im))
            let zMinusOne = Complex(expm1(re) * cos(im) - 2 * half * half, magnitude * sin(im))
            lambda.append(l); z.append(zn); e.append(zMinusOne / l)
        }
        return (lambda, z, e)
    }

    /// K (L): the kernel above. Powers z_nˡ are re-anchored every 64 steps at the exact
    /// e^{lΔΛ_n} (as `S4D.kernel`), and a mode stops once they underflow.
    /// - Complexity: O(M·L).
    public func kernel(length: Int) -> [Double] {
        let (lambda, z, e) = discretized()
        let step = exp(logStep)
        var k = [Double](repeating: 0, count: length)                   // (L)
        for n in 0..<modes {
            let w = c[n] * b[n] * e[n]
            forEachPowerBlock(lambda[n], z[n], step: step, length: length) { start, end, p in
                var (vr, vi) = (w.real * p.real - w.imaginary * p.imaginary, w.real * p.imaginary + w.imaginary * p.real)
                let (zr, zi) = (z[n].real, z[n].imaginary)
                for l in start..<end {
                    k[l] += 2 * vr
                    (vr, vi) = (vr * zr - vi * zi, vr * zi + vi * zr)
                }
            }
        }
        return k
    }

    /// ∂ℓ/∂(logΛre, Λim, B, C, log Δ) from G = ∂ℓ/∂K (L).
    ///
    /// **Derivation.** ℓ depends on the parameters through Φ = Σ_l G_l K_l = 2·Re Σ_n W_n S_n with
    /// S_n = Σ_l G_l z_nˡ. Each F_n = W_n S_n is holomorphic in Λ_n, B_n, C_n; for a holomorphic
    /// F of v = v_re + i·v_im, ∂(2 Re F)/∂v_re = 2 Re F′ and ∂(2 Re F)/∂v_im = −2 Im F′, i.e. the
    /// gradient (∂/∂v_re, ∂/∂v_im) is 2·conj(F′). With Q_n = Σ_l l·G_l z_nˡ (= z·dS/dz) and
    /// dz/dΛ = Δz, dz/dΔ = Λz, dE/dΛ = (Δz − E)/Λ, dE/dΔ = z:
    ///
    ///     ∂F/∂C = B E S,   ∂F/∂B = C E S
    ///     ∂F/∂Λ = C B (Δz − E)/Λ · S + Δ W Q        → ∂logΛre = 2 Re(∂F/∂Λ)·Re Λ,  ∂Λim = −2 Im(∂F/∂Λ)
    ///     ∂F/∂Δ = C B z S + Λ W Q                   → ∂log Δ = Δ·Σ_n 2 Re(∂F_n/∂Δ)
    ///
    /// S and Q are transposed Vandermonde products, computed with the same anchored powers.
    /// - Precondition: G has the kernel's length.
    /// - Complexity: O(M·L).
    public func kernelBackward(_ g: [Double]) -> S4DChannelGradient {
        let (lambda, z, e) = discretized()
        let step = exp(logStep)
        var out = S4DChannelGradient(modes: modes)
        for n in 0..<modes {
            var (s, q) = (Complex<Double>.zero, Complex<Double>.zero)
            forEachPowerBlock(lambda[n], z[n], step: step, length: g.count) { start, end, p in
                var (pr, pi) = (p.real, p.imaginary)
                let (zr, zi) = (z[n].real, z[n].imaginary)
                var (sr, si, qr, qi) = (0.0, 0.0, 0.0, 0.0)
                for l in start..<end {
                    let (gl, lg) = (g[l], Double(l) * g[l])
                    sr += gl * pr; si += gl * pi; qr += lg * pr; qi += lg * pi
                    (pr, pi) = (pr * zr - pi * zi, pr * zi + pi * zr)
                }
                s += Complex(sr, si); q += Complex(qr, qi)
            }
            let (w, cb) = (c[n] * b[n] * e[n], c[n] * b[n])
            let dLambda = cb * (z[n].multiplied(by: step) - e[n]) / lambda[n] * s + w * q.multiplied(by: step)
            let dStep = cb * z[n] * s + lambda[n] * w * q
            out.c[n] = (b[n] * e[n] * s).conjugate.multiplied(by: 2)
            out.b[n] = (c[n] * e[n] * s).conjugate.multiplied(by: 2)
            out.logAReal[n] = 2 * dLambda.real * lambda[n].real
            out.aImag[n] = -2 * dLambda.imaginary
            out.logStep += 2 * dStep.real * step
        }
        return out
    }
}

/// ∂ℓ/∂ each parameter of one `S4DChannel` (complex ones as (∂/∂re, ∂/∂im)).
public struct S4DChannelGradient: Sendable {
    public var logAReal: [Double]                                     // (M)
    public var aImag: [Double]                                        // (M)
    public var b: [Complex<Double>]                                   // (M)
    public var c: [Complex<Double>]                                   // (M)
    public var logStep: Double

    init(modes: Int) {
        (logAReal, aImag) = ([Double](repeating: 0, count: modes), [Double](repeating: 0, count: modes))
        (b, c, logStep) = ([Complex<Double>](repeating: .zero, count: modes), [Complex<Double>](repeating: .zero, count: modes), 0)
    }
}

/// Calls `body(start, end, z^start)` for blocks of 64 indices of 0..<length, z^start formed
/// exactly as e^{start·Δ·Λ} (so rounding restarts every block); stops once |z^start| underflows
/// to 0 (the mode contributes nothing after that).
/// - Complexity: O(length/64) exponentials, plus `body`.
@inline(__always)
func forEachPowerBlock(_ lambda: Complex<Double>, _ z: Complex<Double>, step: Double, length: Int,
                       _ body: (Int, Int, Complex<Double>) -> Void) {
    var start = 0
    while start < length {
        let magnitude = start == 0 ? 1 : exp(step * lambda.real * Double(start))
        if magnitude == 0 { return }
        let angle = start == 0 ? 0 : step * lambda.imaginary * Double(start)
        body(start, min(start + 64, length), Complex(magnitude * cos(angle), magnitude * sin(angle)))
        start += 64
    }
}
