import Foundation
import Numerics

/// S4D: a *diagonal* state matrix (Gu, Gupta, Goel & Ré, 2022, "On the Parameterization and
/// Initialization of Diagonal State Space Models"), no low-rank term. The initialisations:
///
///     LegS: A_n = Λ_n, B_n = ½B̃_n                 n = 0 … N/2−1  (conjugate pairs)
///     Inv:  A_n = −½ + i(N/π)(N/(2n+1) − 1)        n = 0 … N/2−1  (conjugate pairs)
///     Lin:  A_n = −½ + iπn                         n = 0 … N/2−1  (conjugate pairs)
///     Real: A_n = −(n + 1)                         n = 0 … N−1    (real)
///
/// - **LegS** is the paper's central construction: Λ are the eigenvalues of LegS's *normal part*
///   S = A + PPᵀ (the `DPLR`'s `lambda`, all with real part −½), the low-rank term dropped, and
///   B = ½·V*B (the reference code's `legsd` measure: A + ½BBᵀ, B/2). Its kernel is not S4's
///   pointwise, but its response to a smooth input approaches S4-LegS's as N grows (the
///   transfer functions converge).
/// - **Inv** and **Lin** keep that real part −½ and replace the imaginary parts Im Λ_n by a
///   formula. Inv's "inverse law" follows the asymptotics of LegS's Im Λ_n (the reference code
///   calls it "based on asymptotics of the default HiPPO matrix"); its imaginary parts
///   *decrease* in n, ≈ N²/(π(2n+1)) for small n. Lin's are linearly spaced frequencies πn,
///   a Fourier-like basis (the reference code's diagonal Fourier measure `foud` is "essentially
///   equivalent to S4D-Lin"). Neither imitates LegS's *eigenvalues*: those are real, −1…−N.
/// - **Real** uses exactly those eigenvalues of A itself, −1…−N, with no oscillation at all.
public enum S4DInitialization: String, CaseIterable, Sendable {
    case lin, inv, real
    /// Λ from LegS's DPLR form (its normal part), B = ½V*B.
    case legS = "legs"
}

/// How S4D turns B into B̄: zero-order hold (the S4D paper's default) or Euler's ΔB (what
/// Mamba's reference code does for B; here for comparison and to show that a wrong B̄ is caught).
public enum S4DInputRule: String, Sendable {
    /// B̄_n = (e^{ΔA_n} − 1)/A_n · B_n.
    case zeroOrderHold
    /// B̄_n = Δ·B_n.
    case euler
}

/// A diagonal SSM with ZOH discretisation. Complex initialisations keep N/2 modes, each standing
/// for a conjugate pair, so every output is 2·Re of a half sum; the real one keeps N real modes.
///
///     Ā_n = e^{ΔA_n},   B̄_n = (e^{ΔA_n} − 1)/A_n · B_n,
///     K_l = f · Re Σ_n C_n B̄_n (e^{ΔA_n})^l,   f = 2 for pairs, 1 for real modes.
///
/// The kernel is a Vandermonde matrix (entries z_n^l, z_n = e^{ΔA_n}) times the vector C ⊙ B̄.
///
/// **Steps.** Δ must be finite and ≥ `minimumStep` = ε/min|A_n| (ε = 2⁻⁵²; ≈ 4.4e-16, as
/// |A_n| ≥ ½ for every initialisation): below it e^{ΔA_n} is 1 to working precision and the
/// kernel no longer depends on A (see `StepRange`). There is no upper end: Re A_n ≤ −½, so a
/// large Δ only means fast decay. A mode with Δ·Re A_n below ≈ −745.13 has z_n = 0 exactly and
/// B̄_n = −B_n/A_n: the kernel is then K_0 and zeros, the ZOH system's true kernel. B̄ is formed
/// with expm1, so it keeps full relative accuracy down to the smallest Δ.
public struct S4D: Sendable {
    public let initialization: S4DInitialization
    /// A_n: (M), M = N/2 (complex) or N (real).
    public let a: [Complex<Double>]
    public let b: [Complex<Double>]                                   // (M)
    public let c: [Complex<Double>]                                   // (M)
    /// 2 when each mode stands for a conjugate pair, 1 for real modes.
    public var pairFactor: Double { initialization == .real ? 1 : 2 }
    /// B̄ by ZOH (default) or Euler's ΔB; Ā = e^{ΔA} either way.
    public var inputRule: S4DInputRule = .zeroOrderHold

    /// Diagonal A from `initialization`, B = 1 (LegS: ½V*B) and C ~ N(0, 1) (complex C for complex
    /// modes, variance 1 in all), as in the S4D paper.
    /// - Throws: `invalidParameter` for N < 1, N > 2³⁰ (the cap `maximumResultElements`, checked
    ///   before anything is allocated), or odd N with a complex initialisation.
    /// - Complexity: O(N); O(N³) for LegS (one Hermitian eigendecomposition, `DPLR.legS`).
    public init(_ initialization: S4DInitialization, stateSize n: Int, rng: inout SplitMix64) throws {
        try requirePositive(n, "state size N")
        try requireAllocatable(n, "state size N", value: "\(n)")
        if initialization != .real {
            guard n % 2 == 0 else {
                throw StateSpaceError.invalidParameter(name: "state size N (S4D-\(initialization.rawValue))", value: "\(n)",
                                                       allowed: "must be even: complex modes come in conjugate pairs")
            }
        }
        let modes = initialization == .real ? n : n / 2
        let nn = Double(n)
        let legS = initialization == .legS ? try DPLR.legS(stateSize: n) : nil
        a = (0..<modes).map { i in
            let k = Double(i)
            switch initialization {
            case .lin: return Complex(-0.5, Double.pi * k)
            case .inv: return Complex(-0.5, nn / Double.pi * (nn / (2 * k + 1) - 1))
            case .real: return Complex(-(k + 1), 0)
            case .legS: return legS!.lambda[i]
            }
        }
        b = legS.map { $0.b.map { $0.divided(by: 2) } } ?? [Complex<Double>](repeating: Complex(1, 0), count: modes)
        c = (0..<modes).map { _ in
            initialization == .real ? Complex(rng.nextGaussian(), 0) : Complex(rng.nextGaussian(), rng.nextGaussian()).divided(by: 2.0.squareRoot())
        }
        self.initialization = initialization
    }

    /// S4D-LegS for a given output row: A = Λ (the DPLR's kept eigenvalues), B = ½B̃ (B̃ = V*B)
    /// and C = `c`, the output row in the same eigenbasis (`dplr.rowInEigenbasis(C)` for a real
    /// C). With the same C its response to smooth inputs approaches S4's kernel of (A, B, C)
    /// as N grows.
    /// - Throws: `shapeMismatch` unless `c` has one entry per kept eigenvalue (N/2); `nonFinite`.
    /// - Complexity: O(N).
    public init(legS dplr: DPLR, c: [Complex<Double>]) throws {
        try requireCount(c.count, dplr.lambda.count, "C (one entry per conjugate pair, N/2 = \(dplr.lambda.count))")
        try requireFinite(c, "C")
        initialization = .legS
        a = dplr.lambda
        b = dplr.b.map { $0.divided(by: 2) }
        self.c = c
    }

    /// The smallest step Δ accepted: ε/min|A_n|, ε = 2⁻⁵² (see the type's notes on steps).
    /// - Complexity: O(M).
    public var minimumStep: Double { StepRange.zeroOrderHoldMinimum(a) }

    /// (z_n, B̄_n) with z_n = e^{ΔA_n} and B̄_n = (e^{ΔA_n} − 1)/A_n·B_n (ZOH) or Δ·B_n (Euler,
    /// `inputRule`), finite for every finite Δ > 0 (`zeroOrderHold`). (M) each.
    /// - Complexity: O(M).
    public func discretized(step: Double) -> (nodes: [Complex<Double>], bBar: [Complex<Double>]) {
        let held = a.map { zeroOrderHold($0, step: step) }
        switch inputRule {
        case .zeroOrderHold: return (held.map(\.node), a.indices.map { held[$0].bBarPerB * b[$0] })
        case .euler: return (held.map(\.node), b.map { $0.multiplied(by: step) })
        }
    }

    /// The ZOH kernel K_l = f·Re Σ_n C_n B̄_n z_nˡ as a Vandermonde product. The powers z_nˡ
    /// are anchored every 64 steps at the exact value e^{lΔA_n} (exp, cos, sin) and advanced
    /// by multiplication in between, so the error stays ≤ 64 roundings whatever l, at 1/64 of
    /// the cost of evaluating every power directly. Once e^{lΔ·Re A_n} underflows to 0 the mode
    /// contributes nothing more (its angle lΔ·Im A_n, possibly huge, is never formed).
    /// - Parameters: `step` Δ, finite and ≥ `minimumStep`; `length` L ≥ 1.
    /// - Returns: (L).
    /// - Throws: `invalidParameter` for Δ not finite, ≤ 0 or < `minimumStep`, or L < 1 or
    ///   L > 2³⁰ (the cap `maximumResultElements`, checked before anything is allocated).
    /// - Complexity: O(M·L).
    public func kernel(step: Double, length: Int) throws -> [Double] {
        try StepRange.requireZeroOrderHold(step, a, "step Δ")
        try requirePositive(length, "kernel length L")
        try requireAllocatable(length, "kernel length L", value: "\(length)")
        let (nodes, bBar) = discretized(step: step)
        let weights = a.indices.map { c[$0] * bBar[$0] }                // (M): C_n·B̄_n
        let block = 64
        var k = [Double](repeating: 0, count: length)                   // (L)
        for n in a.indices {
            let zr = nodes[n].real, zi = nodes[n].imaginary
            let decay = step * a[n].real, turn = step * a[n].imaginary
            var start = 0
            while start < length {
                // w·z^start exactly, then multiply by z for the rest of the block.
                // (At l = 0 the power is 1: Δ·A_n itself may overflow to ∞ when Δ is huge.)
                let magnitude = start == 0 ? 1 : exp(decay * Double(start))
                if magnitude == 0 { break }                                 // underflowed: zero from here on
                let angle = start == 0 ? 0 : turn * Double(start)
                let pr = magnitude * cos(angle), pi = magnitude * sin(angle)
                var vr = weights[n].real * pr - weights[n].imaginary * pi
                var vi = weights[n].real * pi + weights[n].imaginary * pr
                for l in start..<min(start + block, length) {
                    k[l] += pairFactor * vr                                // f·Re(w·zˡ)
                    (vr, vi) = (vr * zr - vi * zi, vr * zi + vi * zr)
                }
                start += block
            }
        }
        return k
    }

    /// The recurrent view: x_n ← z_n x_n + B̄_n u, y = f·Re Σ C_n x_n. O(M) per step.
    /// `u` (L) → (L).
    /// - Throws: `invalidParameter` (Δ as in `kernel`, L = 0, or u so large that the output
    ///   overflows Double), `nonFinite`.
    /// - Complexity: O(M·L).
    public func scan(_ u: [Double], step: Double) throws -> [Double] {
        try StepRange.requireZeroOrderHold(step, a, "step Δ")
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let (nodes, bBar) = discretized(step: step)
        var x = [Complex<Double>](repeating: .zero, count: a.count)    // (M)
        let y = u.map { value in
            var y = 0.0
            for n in x.indices {
                x[n] = nodes[n] * x[n] + bBar[n].multiplied(by: value)
                y += c[n].real * x[n].real - c[n].imaginary * x[n].imaginary
            }
            return pairFactor * y
        }
        try requireNoOverflow(y, of: u, "input u")
        return y
    }
}
