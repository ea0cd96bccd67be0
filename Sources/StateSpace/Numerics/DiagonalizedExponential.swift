import Numerics

/// e^A through the eigendecomposition: A = V Λ V⁻¹ ⇒ e^A = V e^Λ V⁻¹ (LAPACK `dgeev`, then a
/// complex LU solve instead of forming V⁻¹).
///
/// This is the textbook route and an independent check on `matrixExponential` (Padé). It is
/// only as accurate as V is well conditioned: error ≈ ε·cond(V)·‖A‖. For a defective or nearly
/// defective A (HiPPO-LegS at large N is highly non-normal) use `matrixExponential`.
/// For real A the result's imaginary part is rounding; the real part is returned.
/// - Parameter a: (n, n).
/// - Returns: (n, n).
/// - Throws: as `generalEigen`, and `singularMatrix` if V is singular (A defective).
/// - Complexity: O(n³).
public func diagonalizedExponential(_ a: Matrix, name: String = "A") throws -> Matrix {
    let (lambda, v) = try generalEigen(a, name: name)         // (n), (n, n)
    let n = a.rows
    var vExp = v                                              // (n, n): V e^Λ
    for i in 0..<n { for j in 0..<n { vExp[i, j] = v[i, j] * Complex.exp(lambda[j]) } }
    // e^A = (V e^Λ) V⁻¹  ⇔  Vᵀ (e^A)ᵀ = (V e^Λ)ᵀ.
    let transposed = try solve(v.transposed, vExp.transposed, name: "eigenvectors Vᵀ of \(name)")
    return transposed.transposed.real
}
