import Foundation

/// Root-mean-square normalisation of every row, with a learned gain (Zhang & Sennrich 2019; the
/// norm of Mamba's residual blocks and of its final layer, ε = 1e-5 as in Mamba's code):
///
///     r   = 1 / √(mean_j x_j² + ε)          one scalar per row
///     y_j = g_j · x_j · r                   (rows, d)
///
/// **Backward.** Per row, with u_j = g_j·∂ℓ/∂y_j (the gradient reaching x·r) and
/// ∂r/∂x_k = −r³·x_k/d:
///
///     ∂ℓ/∂x_k = Σ_j u_j ∂(x_j r)/∂x_k = u_k·r − (r³/d)·x_k·Σ_j u_j x_j
///             = r·(u_k − x̂_k·mean_j(u_j x̂_j))          x̂ = x·r
///     ∂ℓ/∂g_j += Σ_rows ∂ℓ/∂y_j · x_j · r       (1, d)
///
/// The backward recomputes r from x (d multiply-adds per row), so the caller keeps only x.
/// Gain initialised to ones; group `.noDecay` (norm gains are not decayed in Mamba's recipe).
/// - Complexity: forward and backward O(rows·d).
public struct RMSNorm: Trainable, Sendable {
    public var weight: Parameter                                      // (1, d) the gain g
    public let epsilon: Double

    public var width: Int { weight.value.cols }

    /// Gain ones; the parameter is `"\(name).weight"`.
    /// - Throws: `invalidParameter` for width < 1 or ε not finite and > 0.
    public init(_ name: String, width: Int, epsilon: Double = 1e-5) throws {
        try requirePositive(width, "\(name) width d")
        try requirePositive(epsilon, "\(name) ε")
        _ = try requireAllocatable([width], "\(name) gain (d)", value: "\(width)")
        weight = Parameter("\(name).weight", vector: [Double](repeating: 1, count: width), group: .noDecay)
        self.epsilon = epsilon
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
    }

    /// r = 1/√(mean x² + ε) of one row, the d entries at `x`.
    ///
    /// When the row's largest |entry| s exceeds 1 the squares could overflow (|x| ≳ 1e154), so
    /// the row is scaled first: r = 1 / (s·√(mean (x/s)² + ε/s²)) — the same number, with every
    /// (x/s)² ≤ 1. Rows with s ≤ 1 cannot overflow and use the plain sum (as before).
    @inline(__always)
    func inverseRMS(_ x: UnsafePointer<Double>) -> Double {          // x: one row (d)
        let d = width
        var largest = 0.0
        for j in 0..<d { largest = Swift.max(largest, abs(x[j])) }
        if largest <= 1 {
            var sum = 0.0
            for j in 0..<d { let v = x[j]; sum += v * v }
            return 1 / (sum / Double(d) + epsilon).squareRoot()
        }
        var sum = 0.0
        for j in 0..<d { let v = x[j] / largest; sum += v * v }
        let scaledEpsilon = epsilon / largest / largest                // ε/s² (may underflow to 0: then negligible)
        return 1 / (largest * (sum / Double(d) + scaledEpsilon).squareRoot())
    }

    /// 1/rms of row `row` of x (rows, d), as `forward` scales it (for tests). - Complexity: O(d).
    func inverseRMS(_ x: Matrix, row: Int) -> Double {
        x.elements.withUnsafeBufferPointer { inverseRMS($0.baseAddress! + row * width) }
    }

    /// y = g ⊙ x·r per row. `x` (rows, d) → (rows, d).
    /// - Throws: `shapeMismatch` unless x has d columns; `nonFinite` for NaN/∞ in x.
    public func forward(_ x: Matrix) throws -> Matrix {
        try requireDimensions(x, x.rows, width, "\(weight.name) input (rows, d = \(width))")
        try x.requireFinite("\(weight.name) input")
        let d = width
        var y = x                                                     // (rows, d)
        y.elements.withUnsafeMutableBufferPointer { ys in
            weight.value.elements.withUnsafeBufferPointer { gain in
                for r in 0..<x.rows {
                    let row = ys.baseAddress! + r * d
                    let s = inverseRMS(row)
                    for j in 0..<d { row[j] *= s * gain[j] }
                }
            }
        }
        return y
    }

    /// Accumulates ∂ℓ/∂g and returns ∂ℓ/∂x (rows, d). `x` is the forward's input.
    /// - Throws: `shapeMismatch` for x or ∂ℓ/∂y not (rows, d); `nonFinite` for NaN/∞ in ∂ℓ/∂y.
    public mutating func backward(_ x: Matrix, outputGradient dy: Matrix) throws -> Matrix {
        try requireDimensions(x, x.rows, width, "\(weight.name) input (rows, d = \(width))")
        try requireGradient(dy, rows: x.rows, cols: width, "∂ℓ/∂y of \(weight.name) (rows, d)")
        let d = width
        var dx = Matrix(zeros: x.rows, d)                             // (rows, d)
        var dGain = [Double](repeating: 0, count: d)                  // (d) this call's ∂ℓ/∂g
        dx.elements.withUnsafeMutableBufferPointer { dxs in
            dGain.withUnsafeMutableBufferPointer { dg in
                x.elements.withUnsafeBufferPointer { xs in
                    dy.elements.withUnsafeBufferPointer { dys in
                        weight.value.elements.withUnsafeBufferPointer { gain in
                            for r in 0..<x.rows {
                                let (xr, gr, dxr) = (xs.baseAddress! + r * d, dys.baseAddress! + r * d, dxs.baseAddress! + r * d)
                                let s = inverseRMS(xr)
                                // Work with x̂_j = x_j·r (of order 1 for any scale of x): x_k·r²·mean(u x) =
                                // x̂_k·mean(u x̂), so neither r² (underflows for |x| ~ 1e200) nor Σ u x (overflows) is formed.
                                var ux = 0.0                                              // Σ_j u_j x̂_j
                                for j in 0..<d {
                                    let v = xr[j] * s
                                    dg[j] += gr[j] * v
                                    ux += gr[j] * gain[j] * v
                                }
                                let correction = ux / Double(d)
                                for j in 0..<d { dxr[j] = s * (gr[j] * gain[j] - xr[j] * s * correction) }
                            }
                        }
                    }
                }
            }
        }
        for j in 0..<d { weight.gradient.elements[j] += dGain[j] }
        return dx
    }
}
