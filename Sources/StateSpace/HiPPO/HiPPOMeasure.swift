/// The four HiPPO memories: which past they remember and in which basis.
///
/// | measure            | remembers                 | basis                        |
/// |--------------------|---------------------------|------------------------------|
/// | `.legS`            | all of [0, t], rescaled   | Legendre on [0, t]           |
/// | `.legT(window: θ)` | the window [t − θ, t]     | Legendre on the window       |
/// | `.lagT`            | all of it, fading as e^{−a}| Laguerre functions of age a  |
/// | `.fouT(window: θ)` | the window [t − θ, t]     | Fourier on the window        |
public enum HiPPOMeasure: Sendable, CustomStringConvertible {
    case legS
    case legT(window: Double)
    case lagT
    case fouT(window: Double)

    public var description: String {
        switch self {
        case .legS: "LegS"
        case let .legT(theta): "LegT(θ = \(theta))"
        case .lagT: "LagT"
        case let .fouT(theta): "FouT(θ = \(theta))"
        }
    }

    /// (A, B) for state size N (see `legSTransition` & co. for the formulas).
    /// - Throws: `invalidParameter` for N outside 1…2¹⁴, a window θ not finite and > 0 (or so
    ///   small that A overflows), an even N with FouT.
    /// - Complexity: O(N²).
    public func transition(stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
        try requireValidWindow()
        switch self {
        case .legS: return try legSTransition(stateSize: n)
        case let .legT(theta): return try legTTransition(stateSize: n, window: theta)
        case .lagT: return try lagTTransition(stateSize: n)
        case let .fouT(theta): return try fouTTransition(stateSize: n, window: theta)
        }
    }

    /// The basis functions at past times `times`, as seen from time `now`:
    /// G (P, N) with f(s_p) ≈ Σ_n G[p, n]·c_n(now).
    ///
    /// Time orientation (the classic bug is to get it backwards):
    /// LegT maps s = now to x = +1 and s = now − θ to x = −1; LegS maps s = 0 to −1 and
    /// s = now to +1; FouT maps s = now − θ to 0 and s = now to 1; LagT uses age now − s.
    ///
    /// Accepted: each time inside what the measure remembers — [now − θ, now] for LegT and FouT,
    /// [0, now] for LegS, (−∞, now] for LagT — to within rounding (8 ulps of the larger of |now|
    /// and θ, θ = 1 for LagT; such times are clamped onto the edge). Outside, the basis is not
    /// the memory's (a Legendre polynomial grows like |x|ⁿ there, to ∞ and NaN).
    /// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `times` (P), P ≥ 1, finite; `now` t, finite
    ///   (> 0 for LegS).
    /// - Returns: (P, N).
    /// - Throws: `invalidParameter` (N out of range, a window θ not finite and > 0, P = 0, now
    ///   not finite or ≤ 0 with LegS, a time outside the memory), `nonFinite` in times.
    /// - Complexity: O(P·N).
    public func basis(stateSize n: Int, at times: [Double], now t: Double) throws -> Matrix {
        try requireValidWindow()
        try requireHiPPOStateSize(n)
        try requirePositive(times.count, "number of times P (times must not be empty)")
        try requireFinite(times, "times")
        _ = try requireResultSize(rows: times.count, cols: n, "number of times P", value: times.count)
        switch self {
        case .legS:
            try requireNow(t, positive: true)
            let u = try windowFractions(times, now: t, span: t, window: "[0, now]")           // (P)
            return legendreValues(stateSize: n, at: u.map { 2 * $0 + 1 })
        case let .legT(theta):
            try requireNow(t, positive: false)
            let u = try windowFractions(times, now: t, span: theta, window: "[now − θ, now]")  // (P)
            return legendreValues(stateSize: n, at: u.map { 2 * $0 + 1 })
        case .lagT:
            try requireNow(t, positive: false)
            return laguerreValues(stateSize: n, at: try memoryAges(times, now: t))
        case let .fouT(theta):
            try requireNow(t, positive: false)
            let u = try windowFractions(times, now: t, span: theta, window: "[now − θ, now]")  // (P)
            return fourierValues(stateSize: n, at: u.map { $0 + 1 })
        }
    }

    /// f̂(s_p) = Σ_n g_n(s_p)·c_n: the signal the state `c` (N) remembers, at `times` (P).
    /// - Throws: as `basis` (N is c's length); `nonFinite` in c; `invalidParameter` if c is so
    ///   large that f̂ overflows.
    /// - Complexity: O(P·N).
    public func reconstruct(state c: [Double], at times: [Double], now t: Double) throws -> [Double] {
        try requireValidWindow()
        try requireHiPPOStateSize(c.count, "state c's length N")
        try requireFinite(c, "state c")
        let f = try basis(stateSize: c.count, at: times, now: t) * c     // (P, N)·(N) → (P)
        try requireNoOverflow(f, "state c", value: "max |c| = \(maxMagnitude(c))", "scale the state down")
        return f
    }

    /// A window θ, if the measure has one, is finite and > 0.
    /// - Complexity: O(1).
    func requireValidWindow() throws {
        switch self {
        case .legS, .lagT: return
        case let .legT(theta), let .fouT(theta): try requireWindow(theta)
        }
    }
}
