import Foundation

/// SiLU applied to every entry of a matrix, with its backward pass. The scalar function is
/// `silu(_:)` (Selective/Activations.swift); this adds its derivative and the matrix passes.
///
/// **Derivative.** With σ(z) = 1/(1 + e^{−z}) and σ' = σ(1 − σ),
///
///     SiLU(z)  = z·σ(z)
///     SiLU'(z) = σ(z) + z·σ(z)(1 − σ(z)) = σ(z)·(1 + z·(1 − σ(z)))
///
/// so the backward pass is elementwise: ∂ℓ/∂z = ∂ℓ/∂y ⊙ SiLU'(z). σ is evaluated without
/// overflow for every z (see `Softplus.derivative`), so SiLU' → 0 as z → −∞ and → 1 as z → +∞.
public enum SiLU {
    /// SiLU'(z) = σ(z)(1 + z(1 − σ(z))). - Complexity: O(1).
    @inlinable
    public static func derivative(_ z: Double) -> Double {
        let s = Softplus.derivative(z)
        return z.isInfinite ? (z > 0 ? 1 : 0) : s * (1 + z * (1 - s))
    }

    /// σ(x) of every entry, with e^{−x} from the vector exp (libmvec, `vectorExp`): σ = 1/(1 + e^{−x})
    /// has no cancellation for any x, and e^{−x} = ∞ for x ≪ 0 gives σ = 0 exactly.
    static func sigmoids(_ x: Matrix) -> [Double] {
        var e = vectorExp(x.elements.map { -$0 })                     // (rows·cols) e^{−x}
        for i in e.indices { e[i] = 1 / (1 + e[i]) }
        return e
    }

    /// y = SiLU(x) = x·σ(x) entrywise. `x` (rows, cols) → (rows, cols).
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func forward(_ x: Matrix) -> Matrix {
        var y = x                                                     // (rows, cols)
        let s = sigmoids(x)
        for i in y.elements.indices {
            let v = x.elements[i]
            y.elements[i] = v.isInfinite ? silu(v) : v * s[i]         // silu(−∞) = −0, not −∞·0 = NaN
        }
        return y
    }

    /// ∂ℓ/∂x = ∂ℓ/∂y ⊙ SiLU'(x). `x` is the forward's input.
    /// - Throws: `shapeMismatch` unless ∂ℓ/∂y has x's shape; `nonFinite` for NaN/∞ in it.
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func backward(_ x: Matrix, outputGradient dy: Matrix, _ name: String = "SiLU") throws -> Matrix {
        try requireGradient(dy, rows: x.rows, cols: x.cols, "∂ℓ/∂y of \(name) (rows, cols)")
        var dx = dy                                                   // (rows, cols)
        let s = sigmoids(x)
        for i in dx.elements.indices {
            let v = x.elements[i]
            dx.elements[i] *= v.isInfinite ? derivative(v) : s[i] * (1 + v * (1 - s[i]))
        }
        return dx
    }
}

/// softplus applied to every entry of a matrix, with its backward pass. The scalar function is
/// `softplus(_:)` (Selective/Activations.swift, stable for large |z|).
///
/// **Derivative.** softplus(z) = log(1 + eᶻ), so softplus'(z) = eᶻ/(1 + eᶻ) = σ(z), the
/// logistic sigmoid. It is computed as 1/(1 + e^{−z}) for z ≥ 0 and eᶻ/(1 + eᶻ) for z < 0: the
/// exponential taken is always of a non-positive number, so it never overflows (σ(±1000) = 1, 0,
/// not NaN), and for z ≪ 0 the second form keeps σ's relative accuracy (≈ eᶻ) where 1 − σ(−z)
/// would cancel to 0.
public enum Softplus {
    /// softplus'(z) = σ(z), stable for every z (a NaN passes through). - Complexity: O(1).
    @inlinable
    public static func derivative(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// y = softplus(x) entrywise. `x` (rows, cols) → (rows, cols). - Complexity: O(rows·cols).
    public static func forward(_ x: Matrix) -> Matrix {
        var y = x                                                     // (rows, cols)
        for i in y.elements.indices { y.elements[i] = softplus(x.elements[i]) }
        return y
    }

    /// ∂ℓ/∂x = ∂ℓ/∂y ⊙ σ(x). `x` is the forward's input.
    /// - Throws: `shapeMismatch` unless ∂ℓ/∂y has x's shape; `nonFinite` for NaN/∞ in it.
    /// - Complexity: O(rows·cols).
    public static func backward(_ x: Matrix, outputGradient dy: Matrix, _ name: String = "softplus") throws -> Matrix {
        try requireGradient(dy, rows: x.rows, cols: x.cols, "∂ℓ/∂y of \(name) (rows, cols)")
        var dx = dy                                                   // (rows, cols)
        for i in dx.elements.indices { dx.elements[i] *= derivative(x.elements[i]) }
        return dx
    }
}
