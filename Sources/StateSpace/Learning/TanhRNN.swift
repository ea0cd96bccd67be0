import Foundation

/// The classical recurrent network, as the baseline against which SSMs are trained on long
/// sequences: a nonlinear recurrence with a hidden state of H numbers,
///
///     h_t = tanh(W·h_{t−1} + u·x_t),     y_t = v·h_t,      h_{−1} = 0,
///
/// W (H, H), u (H), v (H), scalar input and output per step. Backpropagation through time:
/// with λ_t = ∂ℓ/∂h_t and the pre-activation derivative δ_t = λ_t ⊙ (1 − h_t²),
///
///     λ_t = v·g_t + Wᵀ·δ_{t+1},     ∂ℓ/∂x_t = u·δ_t,    ∂ℓ/∂W = Σ_t δ_t h_{t−1}ᵀ, …
///
/// so a gradient that travels k steps is multiplied by k Jacobians diag(1 − h²)·Wᵀ. Unless they
/// sit exactly at norm 1 its size changes geometrically with k — the vanishing (or exploding)
/// gradient that SSMs avoid by keeping the recurrence linear and its decay under control.
/// Only ∂ℓ/∂x is computed here (what Chapter 07's gradient-distance figure needs).
public struct TanhRNN: Sendable {
    public let w: Matrix                                              // (H, H)
    public let u: [Double]                                            // (H)
    public let v: [Double]                                            // (H)

    /// A random network: W = ρ·G/√H with G standard Gaussian (spectral radius ≈ ρ), u, v ~ N(0, 1/H).
    /// - Throws: `invalidParameter` for H < 1 or H > 4096, ρ ≤ 0 or non-finite.
    public init(hidden: Int, spectralRadius rho: Double, rng: inout SplitMix64) throws {
        try requireInRange(hidden, 1...4096, "hidden size H")
        try requirePositive(rho, "spectral radius ρ")
        let scale = rho / Double(hidden).squareRoot()
        w = try Matrix(rows: hidden, cols: hidden, elements: (0..<hidden * hidden).map { _ in scale * rng.nextGaussian() })
        let s = 1 / Double(hidden).squareRoot()
        u = (0..<hidden).map { _ in s * rng.nextGaussian() }
        v = (0..<hidden).map { _ in s * rng.nextGaussian() }
    }

    /// The states h_t, (L, H), for input `x` (L).
    /// - Complexity: O(L·H²).
    public func states(_ x: [Double]) -> Matrix {
        let hidden = u.count
        var h = [Double](repeating: 0, count: hidden)                 // (H)
        var all = Matrix(zeros: x.count, hidden)                      // (L, H)
        for t in x.indices {
            let wh = w * h                                            // (H)
            for i in 0..<hidden { h[i] = Foundation.tanh(wh[i] + u[i] * x[t]) }
            for i in 0..<hidden { all[t, i] = h[i] }
        }
        return all
    }

    /// ∂y_{L−1}/∂x_s for every s (L): how much the last output depends on each input.
    /// - Complexity: O(L·H²), one reverse pass.
    public func lastOutputGradient(_ x: [Double]) -> [Double] {
        let hidden = u.count, h = states(x)
        let wT = w.transposed                                         // (H, H), formed once
        var lambda = v                                                // ∂y_{L−1}/∂h_{L−1} (H)
        var gradient = [Double](repeating: 0, count: x.count)         // (L)
        for t in stride(from: x.count - 1, through: 0, by: -1) {
            let delta = (0..<hidden).map { lambda[$0] * (1 - h[t, $0] * h[t, $0]) }   // (H)
            gradient[t] = zip(u, delta).reduce(0) { $0 + $1.0 * $1.1 }
            lambda = wT * delta                                       // Wᵀ·δ_t (H)
        }
        return gradient
    }
}
