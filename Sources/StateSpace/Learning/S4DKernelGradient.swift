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
    /// e^{lΔΛ_n} (as `S4D.kernel`; a mode whose power underflows contributes 0 from there on),
    /// and advanced by multiplication in between, four modes at a time in SIMD lanes (the
    /// products of different modes are independent: four chains instead of one).
    /// - Complexity: O(M·L).
    public func kernel(length: Int) -> [Double] {
        let lanes = ModeLanes(self)
        var k = [Double](repeating: 0, count: length)                   // (L)
        k.withUnsafeMutableBufferPointer { out in
            var start = 0
            while start < length, lanes.anchor(at: start, weighted: true) {
                for l in start..<min(start + 64, length) {
                    var sum = SIMD4<Double>()
                    for g in 0..<lanes.groups {
                        let (vr, vi, zr, zi) = (lanes.pr[g], lanes.pi[g], lanes.zr[g], lanes.zi[g])
                        sum += vr
                        (lanes.pr[g], lanes.pi[g]) = (vr * zr - vi * zi, vr * zi + vi * zr)
                    }
                    out[l] = 2 * sum.sum()                                // 2·Re Σ_n W_n z_nˡ
                }
                start += 64
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
    /// S and Q are transposed Vandermonde products, computed with the kernel's anchored powers.
    /// - Precondition: G has the kernel's length.
    /// - Complexity: O(M·L).
    public func kernelBackward(_ g: [Double]) -> S4DChannelGradient {
        let (lambda, z, e) = discretized()
        let (s, q) = transposedVandermonde(g)                            // (M) each
        let step = exp(logStep)
        var out = S4DChannelGradient(modes: modes)
        for n in 0..<modes {
            let (w, cb) = (c[n] * b[n] * e[n], c[n] * b[n])
            let dLambda = cb * (z[n].multiplied(by: step) - e[n]) / lambda[n] * s[n] + w * q[n].multiplied(by: step)
            let dStep = cb * z[n] * s[n] + lambda[n] * w * q[n]
            out.c[n] = (b[n] * e[n] * s[n]).conjugate.multiplied(by: 2)
            out.b[n] = (c[n] * e[n] * s[n]).conjugate.multiplied(by: 2)
            out.logAReal[n] = 2 * dLambda.real * lambda[n].real
            out.aImag[n] = -2 * dLambda.imaginary
            out.logStep += 2 * dStep.real * step
        }
        return out
    }

    /// (S_n = Σ_l G_l z_nˡ, Q_n = Σ_l l·G_l z_nˡ), (M) each, with the kernel's anchored powers,
    /// four modes per SIMD lane group. - Complexity: O(M·L).
    func transposedVandermonde(_ g: [Double]) -> (s: [Complex<Double>], q: [Complex<Double>]) {
        let lanes = ModeLanes(self)
        var (sr, si, qr, qi) = ([SIMD4<Double>](repeating: .zero, count: lanes.groups), [SIMD4<Double>](repeating: .zero, count: lanes.groups),
                                [SIMD4<Double>](repeating: .zero, count: lanes.groups), [SIMD4<Double>](repeating: .zero, count: lanes.groups))
        var start = 0
        while start < g.count, lanes.anchor(at: start, weighted: false) {
            for l in start..<min(start + 64, g.count) {
                let (gl, lg) = (SIMD4(repeating: g[l]), SIMD4(repeating: Double(l) * g[l]))
                for k in 0..<lanes.groups {
                    let (pr, pi, zr, zi) = (lanes.pr[k], lanes.pi[k], lanes.zr[k], lanes.zi[k])
                    sr[k] += gl * pr; si[k] += gl * pi; qr[k] += lg * pr; qi[k] += lg * pi
                    (lanes.pr[k], lanes.pi[k]) = (pr * zr - pi * zi, pr * zi + pi * zr)
                }
            }
            start += 64
        }
        let lane = { (v: [SIMD4<Double>], n: Int) in v[n / 4][n % 4] }
        return ((0..<modes).map { Complex(lane(sr, $0), lane(si, $0)) }, (0..<modes).map { Complex(lane(qr, $0), lane(qi, $0)) })
    }
}

/// A channel's modes in groups of four SIMD lanes (padded with zero modes): z, the weights
/// W = C·B·E, and the running power (times W for the kernel), re-anchored every 64 steps.
final class ModeLanes {
    let groups: Int
    let lambda: [Complex<Double>], weight: [Complex<Double>], step: Double
    let zr: UnsafeMutablePointer<SIMD4<Double>>, zi: UnsafeMutablePointer<SIMD4<Double>>   // (groups)
    let pr: UnsafeMutablePointer<SIMD4<Double>>, pi: UnsafeMutablePointer<SIMD4<Double>>   // (groups): running value

    init(_ channel: S4DChannel) {
        let (lambda, z, e) = channel.discretized()
        (self.lambda, step, groups) = (lambda, exp(channel.logStep), (channel.modes + 3) / 4)
        weight = (0..<channel.modes).map { channel.c[$0] * channel.b[$0] * e[$0] }
        (zr, zi, pr, pi) = (.allocate(capacity: groups), .allocate(capacity: groups), .allocate(capacity: groups), .allocate(capacity: groups))
        for p in [zr, zi, pr, pi] { p.initialize(repeating: .zero, count: groups) }
        for n in z.indices { zr[n / 4][n % 4] = z[n].real; zi[n / 4][n % 4] = z[n].imaginary }
    }

    deinit { [zr, zi, pr, pi].forEach { $0.deallocate() } }

    /// Sets the running values to (W_n·)e^{start·Δ·Λ_n} (exactly: exp, cos, sin); false when
    /// every mode has underflowed to 0 (nothing more to add). At start = 0 the power is 1 (Δ·Λ
    /// itself may overflow when Δ is huge). - Complexity: O(M).
    func anchor(at start: Int, weighted: Bool) -> Bool {
        var alive = false
        for n in lambda.indices {
            let magnitude = start == 0 ? 1 : exp(step * lambda[n].real * Double(start))
            let angle = start == 0 || magnitude == 0 ? 0 : step * lambda[n].imaginary * Double(start)
            let p = Complex(magnitude * cos(angle), magnitude * sin(angle)) * (weighted ? weight[n] : Complex(1, 0))
            (pr[n / 4][n % 4], pi[n / 4][n % 4]) = (p.real, p.imaginary)
            alive = alive || magnitude > 0
        }
        return alive
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
