import CVectorMath
import Foundation

/// SiLU applied to every entry of a matrix, with its backward pass. The scalar function is
/// `silu(_:)` (Selective/Activations.swift); this adds its derivative and the matrix passes.
///
/// **Derivative.** With σ(z) = 1/(1 + e^{−z}) and σ' = σ(1 − σ),
///
///     SiLU(z)  = z·σ(z)
///     SiLU'(z) = σ(z) + z·σ(z)(1 − σ(z)) = σ(z)·(1 + z·(1 − σ(z)))
///
/// so the backward pass is elementwise: ∂ℓ/∂z = ∂ℓ/∂y ⊙ SiLU'(z). The scalar `derivative`
/// evaluates σ without overflow for every z (see `Softplus.derivative`); the matrix passes use
/// σ = 1/(1 + e^{−z}), which is never NaN either: below z ≈ −709.8, e^{−z} = ∞ and σ = 0 where the
/// scalar gives a subnormal (< 1e-308). SiLU' → 0 as z → −∞ and → 1 as z → +∞.
public enum SiLU {
    /// SiLU'(z) = σ(z)(1 + z(1 − σ(z))). - Complexity: O(1).
    @inlinable
    public static func derivative(_ z: Double) -> Double {
        let s = Softplus.derivative(z)
        return z.isInfinite ? (z > 0 ? 1 : 0) : s * (1 + z * (1 - s))
    }

    /// σ(x) of every entry: σ = 1/(1 + e^{−x}) has no cancellation for any x, and e^{−x} = ∞ for
    /// x ≪ 0 gives σ = 0 exactly. (rows·cols) entries, in x's order.
    /// - Complexity: O(rows·cols), one vectorised exp per entry (`ass_sigmoid`, one pass).
    static func sigmoids(_ x: Matrix) -> [Double] {
        [Double](unsafeUninitializedCapacity: x.elements.count) { s, initialized in
            x.elements.withUnsafeBufferPointer { ass_sigmoid($0.baseAddress, s.baseAddress, $0.count) }
            initialized = x.elements.count
        }
    }

    /// y = SiLU(x) = x·σ(x) entrywise, `silu(_:)` of every entry in one fused pass (`ass_silu`:
    /// blocks of 256 entries, their exponentials in libmvec's widest exp). (rows, cols) → (rows, cols).
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func forward(_ x: Matrix) -> Matrix {
        elementwise(x) { out in x.elements.withUnsafeBufferPointer { ass_silu($0.baseAddress, out, $0.count) } }
    }

    /// ∂ℓ/∂x = ∂ℓ/∂y ⊙ SiLU'(x), `derivative(_:)` of every entry in one fused pass
    /// (`ass_silu_backward`). `x` is the forward's input.
    /// - Throws: `shapeMismatch` unless ∂ℓ/∂y has x's shape; `nonFinite` for NaN/∞ in it.
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func backward(_ x: Matrix, outputGradient dy: Matrix, _ name: String = "SiLU") throws -> Matrix {
        try requireGradient(dy, rows: x.rows, cols: x.cols, "∂ℓ/∂y of \(name) (rows, cols)")
        return elementwise(x) { out in
            x.elements.withUnsafeBufferPointer { xs in
                dy.elements.withUnsafeBufferPointer { ass_silu_backward(xs.baseAddress, $0.baseAddress, out, xs.count) }
            }
        }
    }

    /// Mamba's gate, g = y ⊙ SiLU(z), in one pass (`ass_gate`). y, z (rows, cols) → (rows, cols).
    /// - Throws: `shapeMismatch` unless z has y's shape.
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func gate(_ y: Matrix, _ z: Matrix) throws -> Matrix {
        try requireDimensions(z, y.rows, y.cols, "z of the gate y ⊙ SiLU(z) (rows, cols of y)")
        return elementwise(y) { out in
            y.elements.withUnsafeBufferPointer { ys in
                z.elements.withUnsafeBufferPointer { ass_gate(ys.baseAddress, $0.baseAddress, out, ys.count) }
            }
        }
    }

    /// The gate's backward in one pass (`ass_gate_backward`): with g = y ⊙ SiLU(z),
    /// ∂ℓ/∂y = ∂ℓ/∂g ⊙ SiLU(z) and ∂ℓ/∂z = ∂ℓ/∂g ⊙ y ⊙ SiLU'(z). All (rows, cols).
    /// - Throws: `shapeMismatch` unless z and ∂ℓ/∂g have y's shape; `nonFinite` for NaN/∞ in ∂ℓ/∂g.
    /// - Complexity: O(rows·cols), one vectorised exp per entry.
    public static func gateBackward(_ y: Matrix, _ z: Matrix, outputGradient dg: Matrix) throws -> (dy: Matrix, dz: Matrix) {
        try requireDimensions(z, y.rows, y.cols, "z of the gate y ⊙ SiLU(z) (rows, cols of y)")
        try requireGradient(dg, rows: y.rows, cols: y.cols, "∂ℓ/∂g of the gate y ⊙ SiLU(z) (rows, cols)")
        var dz = Matrix(zeros: 0, 0)
        let dy = elementwise(y) { outY in
            dz = elementwise(y) { outZ in
                y.elements.withUnsafeBufferPointer { ys in
                    z.elements.withUnsafeBufferPointer { zs in
                        dg.elements.withUnsafeBufferPointer { ass_gate_backward(ys.baseAddress, zs.baseAddress, $0.baseAddress, outY, outZ, ys.count) }
                    }
                }
            }
        }
        return (dy, dz)
    }

    /// A matrix of `like`'s shape whose entries `fill` writes (all of them).
    private static func elementwise(_ like: Matrix, _ fill: (UnsafeMutablePointer<Double>?) -> Void) -> Matrix {
        Matrix(unchecked: like.rows, like.cols, [Double](unsafeUninitializedCapacity: like.elements.count) { out, initialized in
            fill(out.baseAddress)
            initialized = like.elements.count
        })
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
        Matrix(unchecked: x.rows, x.cols, values(x.elements))
    }

    /// softplus of every entry: `softplus(_:)` in one vectorised pass (`ass_softplus`: libmvec's
    /// 8-wide exp and log1p on AVX-512, else the scalar formula). (n) → (n).
    /// - Complexity: O(n).
    public static func values(_ z: [Double]) -> [Double] {
        [Double](unsafeUninitializedCapacity: z.count) { out, initialized in
            z.withUnsafeBufferPointer { ass_softplus($0.baseAddress, out.baseAddress, $0.count) }
            initialized = z.count
        }
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
