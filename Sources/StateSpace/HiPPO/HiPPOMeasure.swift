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
    /// - Throws: `invalidParameter` for N < 1 or a window θ ≤ 0.
    /// - Complexity: O(N²).
    public func transition(stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
        switch self {
        case .legS: try legSTransition(stateSize: n)
        case let .legT(theta): try legTTransition(stateSize: n, window: theta)
        case .lagT: try lagTTransition(stateSize: n)
        case let .fouT(theta): try fouTTransition(stateSize: n, window: theta)
        }
    }

    /// The basis functions at past times `times` (each ≤ `now`), as seen from time `now`:
    /// G (P, N) with f(s_p) ≈ Σ_n G[p, n]·c_n(now).
    ///
    /// Time orientation (the classic bug is to get it backwards):
    /// LegT maps s = now to x = +1 and s = now − θ to x = −1; LegS maps s = 0 to −1 and
    /// s = now to +1; FouT maps s = now − θ to 0 and s = now to 1; LagT uses age now − s.
    /// - Parameters: `stateSize` N; `times` (P); `now` t (> 0 for LegS).
    /// - Returns: (P, N).
    /// - Throws: `invalidParameter` for N < 1, or now ≤ 0 with LegS.
    /// - Complexity: O(P·N).
    public func basis(stateSize n: Int, at times: [Double], now t: Double) throws -> Matrix {
        try requirePositive(n, "state size N")
        switch self {
        case .legS:
            try requirePositive(t, "time t (LegS rescales [0, t])")
            return legendreBasis(stateSize: n, at: times.map { 2 * $0 / t - 1 })
        case let .legT(theta):
            return legendreBasis(stateSize: n, at: times.map { 2 * ($0 - t) / theta + 1 })
        case .lagT:
            return laguerreFunctions(stateSize: n, at: times.map { t - $0 })
        case let .fouT(theta):
            return fourierBasis(stateSize: n, at: times.map { ($0 - t + theta) / theta })
        }
    }

    /// f̂(s_p) = Σ_n g_n(s_p)·c_n: the signal the state `c` (N) remembers, at `times` (P).
    /// - Throws: as `basis`; `shapeMismatch` if c is not of length N.
    /// - Complexity: O(P·N).
    public func reconstruct(state c: [Double], at times: [Double], now t: Double) throws -> [Double] {
        try requireFinite(c, "state c")
        return try basis(stateSize: c.count, at: times, now: t) * c
    }
}
