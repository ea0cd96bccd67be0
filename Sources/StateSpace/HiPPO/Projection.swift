import Foundation

/// c*_n = ∫ f(s)·g_n(s) dμ_t(s): the coefficients of f's orthogonal projection on the measure's
/// first N basis functions at time `now` — what HiPPO claims its state *is*. Computed by
/// Gauss–Legendre quadrature of f·g_n over what the measure remembers, from f and the basis
/// alone (never from A or B), so it is an independent reference for a HiPPO state.
///
/// | measure  | interval of s                  | dμ_t        |
/// |----------|--------------------------------|-------------|
/// | `.legS`  | [0, t]                         | ds / t      |
/// | `.legT`  | [t − θ, t]                     | ds / θ      |
/// | `.fouT`  | [t − θ, t]                     | ds / θ      |
/// | `.lagT`  | (−∞, t] (age a = t − s ≥ 0)    | da          |
///
/// A memory started at time `start` has seen f = 0 before it, so the interval is cut at
/// `start` (LegS always starts at 0).
/// - Parameters:
///   - f: samples the signal at the times it is given (e.g. `BandLimitedSignal.sample`).
///   - stateSize: N, 1 ≤ N ≤ 2¹⁴.
///   - now: t, finite (> 0 for LegS); `start` ≤ t, finite.
///   - points: quadrature nodes m. Exact when f·g_n is a polynomial of degree ≤ 2m − 1; for a
///     band-limited f take m a few times (N + ω_max·span/2).
/// - Returns: c* (N).
/// - Throws: as `HiPPOMeasure.basis`, `gaussLegendre`; `invalidParameter` for start > now.
/// - Complexity: O(m·N) plus m evaluations of f.
public func hippoProjection(of f: ([Double]) throws -> [Double], on measure: HiPPOMeasure, stateSize n: Int,
                            now t: Double, start: Double = 0, points m: Int) throws -> [Double] {
    guard start.isFinite, t.isFinite, start < t else {
        throw StateSpaceError.invalidParameter(name: "start", value: "\(start)", allowed: "must be finite and before now t = \(t)")
    }
    let rule = try gaussLegendre(points: m)
    let interval: ClosedRange<Double>, density: Double
    switch measure {
    case .legS: (interval, density) = (0...t, 1 / t)
    case let .legT(theta), let .fouT(theta): (interval, density) = (max(t - theta, start)...t, 1 / theta)
    case .lagT: (interval, density) = (start...t, 1)
    }
    let (s, w) = gaussLegendre(rule, on: interval)                  // (m), (m): nodes in time
    let weighted = zip(w, try f(s)).map { $0 * $1 * density }       // (m): w_j·f(s_j)·dμ/ds
    return try measure.basis(stateSize: n, at: s, now: t).transposed * weighted  // (N, m)·(m) → (N)
}

/// The basis functions of HiPPO-LegS used as a *time-invariant* system (as S4 uses it):
///
///     (e^{aA}B)_n = e^{−a}·g_n(2e^{−a} − 1),   g_n = √(2n+1)·P_n,
///
/// the Legendre basis of [0, 1] read in the warped variable x = e^{−a} of the age a (Gu,
/// Johnson, Timalsina, Rudra & Ré, "How to Train Your HiPPO", 2022: S4's LegS is a projection
/// onto exponentially-warped Legendre polynomials). Why: with t = e^s, the time-varying LegS
/// c' = (1/t)(Ac + Bf) becomes dc/ds = Ac + Bf — LTI in s; its projection over [0, t] becomes,
/// in s, a projection against e^{−a}·g_n(2e^{−a} − 1) over the age a. Every component is at most
/// √(2n+1)·e^{−a}: the LTI memory forgets at least as fast as e^{−a}.
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `ages` (P), P ≥ 1, each finite and ≥ 0.
/// - Returns: (P, N).
/// - Throws: `invalidParameter` (N out of range, P = 0, a negative age), `nonFinite`.
/// - Complexity: O(P·N).
public func legSTimeInvariantBasis(stateSize n: Int, at ages: [Double]) throws -> Matrix {
    try requireHiPPOStateSize(n)
    let a = try requireBasisPoints(ages, in: 0...Double.greatestFiniteMagnitude, "ages", "an age is ≥ 0")  // (P)
    _ = try requireResultSize(rows: a.count, cols: n, "number of ages P", value: a.count)
    var g = legendreValues(stateSize: n, at: a.map { 2 * exp(-$0) - 1 })  // (P, N)
    for p in 0..<a.count {
        let decay = exp(-a[p])
        for i in 0..<n { g[p, i] *= decay }
    }
    return g
}

/// The state of the time-invariant LegS memory with time scale τ (c' = (A/τ)c + (B/τ)f, started
/// at `start` with c = 0), computed as a projection instead of by running it:
///
///     c_n(t) = ∫₀^{t−start} f(t − a)·(1/τ)·e^{−a/τ} g_n(2e^{−a/τ} − 1) da
///            = ∫_{x₀}^{1} f(t + τ ln x)·g_n(2x − 1) dx,     x₀ = e^{−(t−start)/τ},
///
/// by Gauss–Legendre quadrature in x (see `legSTimeInvariantBasis`).
/// - Parameters: `f` samples the signal; `stateSize` N; `now` t > `start`; `timescale` τ > 0;
///   `points` m quadrature nodes (f(t + τ ln x) oscillates faster as x → x₀: take m a few
///   times N + ω_max·τ/x₀).
/// - Returns: c (N).
/// - Throws: `invalidParameter` (N, τ, start ≥ now), as `gaussLegendre`.
/// - Complexity: O(m·N) plus m evaluations of f.
public func legSTimeInvariantProjection(of f: ([Double]) throws -> [Double], stateSize n: Int, now t: Double,
                                        start: Double = 0, timescale tau: Double = 1, points m: Int) throws -> [Double] {
    try requireHiPPOStateSize(n)
    try requirePositive(tau, "time scale τ")
    guard start.isFinite, t.isFinite, start < t else {
        throw StateSpaceError.invalidParameter(name: "start", value: "\(start)", allowed: "must be finite and before now t = \(t)")
    }
    let (x, w) = gaussLegendre(try gaussLegendre(points: m), on: exp(-(t - start) / tau)...1)  // (m), (m)
    let values = try f(x.map { t + tau * log($0) })                 // (m): f at the times the nodes stand for
    let g = legendreValues(stateSize: n, at: x.map { min(1, max(-1, 2 * $0 - 1)) })  // (m, N)
    return g.transposed * zip(w, values).map { $0 * $1 }            // (N)
}

/// HiPPO's A and B for LegT or LegS, *derived* numerically from the basis instead of written
/// in closed form: the derivation of the HiPPO paper (Gu et al. 2020, Appendix D) carried out
/// with quadrature, an independent reference for `legTTransition` and `legSTransition`.
///
/// LegT: c_n(t) = (1/θ)∫_{t−θ}^t f(s) g_n(x) ds with x = 2(s − t)/θ + 1. Differentiating,
///
///     c_n' = (1/θ)[g_n(1) f(t) − g_n(−1) f(t − θ)] − (2/θ) Σ_k D_nk c_k,   D_nk = ½∫₋₁¹ g_n' g_k dx,
///
/// and with f(t − θ) ≈ Σ_k g_k(−1) c_k (the value leaving the window, read from the state):
/// A = −(1/θ)[g(−1)g(−1)ᵀ + 2D], B = g(1)/θ.
///
/// LegS: c_n(t) = (1/t)∫₀^t f(s) g_n(2s/t − 1) ds gives c' = (1/t)(Ac + Bf) with no
/// approximation: A = −(I + M), M_nk = ½∫₋₁¹ (x + 1) g_n'(x) g_k(x) dx, B = g(1).
///
/// g_n' and (x + 1)g_n' are polynomials of degree ≤ n, so N + 1 Gauss nodes integrate exactly.
/// - Parameters: `measure` `.legT` or `.legS`; `stateSize` N, 1 ≤ N ≤ 2¹⁰.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for another measure, N out of range, a bad window.
/// - Complexity: O(N³) (N² entries, each a sum over N + 1 nodes).
public func legendreTransitionByQuadrature(_ measure: HiPPOMeasure, stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
    try requirePositive(n, "state size N")
    guard n <= 1 << 10 else {
        throw StateSpaceError.invalidParameter(name: "state size N", value: "\(n)", allowed: "must be ≤ 2^10 (O(N³) work)")
    }
    try measure.requireValidWindow()
    let (x, w) = try gaussLegendre(points: n + 1)                   // (N+1), (N+1)
    var g = Matrix(zeros: n + 1, n), dg = Matrix(zeros: n + 1, n)   // (N+1, N): g_k(x_j), g_k'(x_j)
    for j in 0...n {
        for k in 0..<n {
            let (p, dp) = legendrePolynomialAndDerivative(degree: k, at: x[j])
            let root = (2 * Double(k) + 1).squareRoot()
            (g[j, k], dg[j, k]) = (root * p, root * dp)
        }
    }
    let atOne = (0..<n).map { (2 * Double($0) + 1).squareRoot() }            // (N): g_n(1)
    let atMinusOne = atOne.indices.map { $0 % 2 == 0 ? atOne[$0] : -atOne[$0] }  // (N): g_n(−1)
    func inner(_ weight: (Double) -> Double) -> Matrix {             // (N, N): ½Σ_j w_j·weight(x_j)·g_n'(x_j)·g_k(x_j)
        var m = Matrix(zeros: n, n)
        for row in 0..<n {
            for col in 0..<n {
                m[row, col] = (0...n).reduce(0) { $0 + w[$1] * weight(x[$1]) * dg[$1, row] * g[$1, col] } / 2
            }
        }
        return m
    }
    switch measure {
    case let .legT(theta):
        let d = inner { _ in 1 }
        var a = Matrix(zeros: n, n)
        for row in 0..<n {
            for col in 0..<n { a[row, col] = -(atMinusOne[row] * atMinusOne[col] + 2 * d[row, col]) / theta }
        }
        return (a, atOne.map { $0 / theta })
    case .legS:
        return ((-1) * (Matrix.identity(n) + inner { $0 + 1 }), atOne)
    case .lagT, .fouT:
        throw StateSpaceError.invalidParameter(name: "measure", value: "\(measure)", allowed: "must be .legT or .legS (Legendre bases)")
    }
}

/// HiPPO-FouT's A and B *derived* numerically from the Fourier basis of [0, 1] (`fourierBasis`)
/// and its derivative, instead of written down: an independent reference for `fouTTransition`.
///
/// c_n(t) = (1/θ)∫_{t−θ}^t f(s) g_n(x) ds with x = (s − t + θ)/θ. Differentiating (Leibniz for the
/// moving ends, the chain rule for x):
///
///     c_n' = (1/θ)[g_n(1) f(t) − g_n(0) f(t − θ)] − (1/θ) Σ_k D_nk c_k,   D_nk = ∫₀¹ g_n' g_k dx,
///
/// and with f(t − θ) ≈ 2·Σ_k g_k(0) c_k − f(t) (a Fourier series converges to the midpoint of the
/// jump its periodic extension makes at the window's edge):
/// A = −(1/θ)[D + 2·g(0)g(0)ᵀ], B = (g(1) + g(0))/θ.
///
/// g_n'·g_k is a trigonometric polynomial of degree ≤ N − 1, which the midpoint rule with 2N
/// equally spaced nodes integrates exactly (up to rounding). The rotation frequencies 2πk/θ come
/// out of D, never out of an index formula.
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁰ (any N: an even N leaves a cosine without its sine);
///   `window` θ > 0, finite.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for N out of range or a bad window.
/// - Complexity: O(N³) (N² entries, each a sum over 2N nodes).
public func fouTTransitionByQuadrature(stateSize n: Int, window theta: Double) throws -> (a: Matrix, b: [Double]) {
    try requirePositive(n, "state size N")
    guard n <= 1 << 10 else {
        throw StateSpaceError.invalidParameter(name: "state size N", value: "\(n)", allowed: "must be ≤ 2^10 (O(N³) work)")
    }
    try requireWindow(theta, largestEntry: 4 + Double.pi * Double(n))
    let m = 2 * n
    let x = (0..<m).map { (Double($0) + 0.5) / Double(m) }          // (2N): midpoint nodes on [0, 1]
    let g = try fourierBasis(stateSize: n, at: x)                    // (2N, N)
    var dg = Matrix(zeros: m, n)                                     // (2N, N): g_n'(x_j), by the chain rule
    for j in 0..<m {
        for i in 1..<max(1, n) {
            let w = 2 * Double.pi * Double((i + 1) / 2), phase = w * x[j]
            dg[j, i] = 2.0.squareRoot() * w * (i % 2 == 1 ? -sin(phase) : cos(phase))
        }
    }
    let atZero = try fourierBasis(stateSize: n, at: [0]).elements   // (N): g(0)
    let atOne = try fourierBasis(stateSize: n, at: [1]).elements    // (N): g(1)
    var a = Matrix(zeros: n, n)                                      // (N, N)
    for row in 0..<n {
        for col in 0..<n {
            let d = (0..<m).reduce(0) { $0 + dg[$1, row] * g[$1, col] } / Double(m)
            a[row, col] = -(d + 2 * atZero[row] * atZero[col]) / theta
        }
    }
    return (a, zip(atOne, atZero).map { ($0 + $1) / theta })
}
