import Foundation
import Numerics

/// S4D: a *diagonal* state matrix (Gu, Gupta, Goel & Ré, 2022), no low-rank term. The
/// initialisations approximate S4's LegS kernel (Lin, Inv) or use its real eigenvalues (Real):
///
///     Lin:  A_n = −½ + iπn                         n = 0 … N/2−1  (conjugate pairs)
///     Inv:  A_n = −½ + i(N/π)(N/(2n+1) − 1)        n = 0 … N/2−1  (conjugate pairs)
///     Real: A_n = −(n + 1)                         n = 0 … N−1    (real)
public enum S4DInitialization: String, CaseIterable, Sendable {
    case lin, inv, real
}

/// A diagonal SSM with ZOH discretisation. Complex initialisations keep N/2 modes, each standing
/// for a conjugate pair, so every output is 2·Re of a half sum; the real one keeps N real modes.
///
///     Ā_n = e^{ΔA_n},   B̄_n = (e^{ΔA_n} − 1)/A_n · B_n,
///     K_l = f · Re Σ_n C_n B̄_n (e^{ΔA_n})^l,   f = 2 for pairs, 1 for real modes.
///
/// The kernel is a Vandermonde matrix (entries z_n^l, z_n = e^{ΔA_n}) times the vector C ⊙ B̄.
public struct S4D: Sendable {
    public let initialization: S4DInitialization
    /// A_n: (M), M = N/2 (complex) or N (real).
    public let a: [Complex<Double>]
    public let b: [Complex<Double>]                                   // (M)
    public let c: [Complex<Double>]                                   // (M)
    /// 2 when each mode stands for a conjugate pair, 1 for real modes.
    public var pairFactor: Double { initialization == .real ? 1 : 2 }

    /// Diagonal A from `initialization`, B = 1 and C ~ N(0, 1) (complex C for complex modes), as in
    /// the S4D paper.
    /// - Throws: `invalidParameter` for N < 2, or odd N with a complex initialisation.
    /// - Complexity: O(N).
    public init(_ initialization: S4DInitialization, stateSize n: Int, rng: inout SplitMix64) throws {
        try requirePositive(n, "state size N")
        if initialization != .real {
            guard n % 2 == 0 else {
                throw StateSpaceError.invalidParameter(name: "state size N (S4D-\(initialization.rawValue))", value: "\(n)",
                                                       allowed: "must be even: complex modes come in conjugate pairs")
            }
        }
        let modes = initialization == .real ? n : n / 2
        let nn = Double(n)
        a = (0..<modes).map { i in
            let k = Double(i)
            switch initialization {
            case .lin: return Complex(-0.5, Double.pi * k)
            case .inv: return Complex(-0.5, nn / Double.pi * (nn / (2 * k + 1) - 1))
            case .real: return Complex(-(k + 1), 0)
            }
        }
        b = [Complex<Double>](repeating: Complex(1, 0), count: modes)
        c = (0..<modes).map { _ in
            initialization == .real ? Complex(rng.nextGaussian(), 0) : Complex(rng.nextGaussian(), rng.nextGaussian()).divided(by: 2.0.squareRoot())
        }
        self.initialization = initialization
    }

    /// (z_n, C_n·B̄_n) with z_n = e^{ΔA_n}: the Vandermonde nodes and weights. (M) each.
    func discretized(step: Double) -> (nodes: [Complex<Double>], weights: [Complex<Double>]) {
        let nodes = a.map { Complex.exp($0.multiplied(by: step)) }
        let weights = a.indices.map { n in c[n] * ((nodes[n] - Complex(1, 0)) / a[n]) * b[n] }
        return (nodes, weights)
    }

    /// The ZOH kernel K_l = f·Re Σ_n C_n B̄_n z_nˡ as a Vandermonde product. The powers z_nˡ
    /// are anchored every 64 steps at the exact value e^{lΔA_n} (exp, cos, sin) and advanced
    /// by multiplication in between, so the error stays ≤ 64 roundings whatever l, at 1/64 of
    /// the cost of evaluating every power directly.
    /// - Returns: (L).
    /// - Throws: `invalidParameter` for Δ ≤ 0 or L < 1.
    /// - Complexity: O(M·L).
    public func kernel(step: Double, length: Int) throws -> [Double] {
        try requirePositive(step, "step Δ")
        try requirePositive(length, "kernel length L")
        let (nodes, weights) = discretized(step: step)
        let block = 64
        var k = [Double](repeating: 0, count: length)                   // (L)
        for n in a.indices {
            let zr = nodes[n].real, zi = nodes[n].imaginary
            let decay = step * a[n].real, turn = step * a[n].imaginary
            var start = 0
            while start < length {
                // w·z^start exactly, then multiply by z for the rest of the block.
                let magnitude = exp(decay * Double(start)), angle = turn * Double(start)
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
    /// - Throws: `invalidParameter` (Δ ≤ 0, L = 0), `nonFinite`.
    /// - Complexity: O(M·L).
    public func scan(_ u: [Double], step: Double) throws -> [Double] {
        try requirePositive(step, "step Δ")
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let nodes = discretized(step: step).nodes
        let bBar = a.indices.map { ((nodes[$0] - Complex(1, 0)) / a[$0]) * b[$0] }
        var x = [Complex<Double>](repeating: .zero, count: a.count)    // (M)
        return u.map { value in
            var y = 0.0
            for n in x.indices {
                x[n] = nodes[n] * x[n] + bBar[n].multiplied(by: value)
                y += c[n].real * x[n].real - c[n].imaginary * x[n].imaginary
            }
            return pairFactor * y
        }
    }
}
