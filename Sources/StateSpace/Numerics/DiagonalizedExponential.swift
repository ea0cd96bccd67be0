import Numerics

/// e^A through the eigendecomposition: A = V Λ V⁻¹ ⇒ e^A = V e^Λ V⁻¹ (LAPACK `dgeev`, then a
/// complex LU solve instead of forming V⁻¹).
///
/// This is the textbook route and an independent check on `matrixExponential` (Padé). It is
/// only as accurate as V is well conditioned: error ≈ ε·cond(V)·‖e^Λ‖. A defective A (a Jordan
/// block, e.g. [[0, 1], [0, 0]]) has no basis of eigenvectors: LAPACK still returns n columns,
/// but nearly parallel ones, and V e^Λ V⁻¹ is then garbage (the identity, for that example,
/// instead of [[1, 1], [0, 1]]). So the condition number cond₁(V) is estimated (`zgecon`) and
/// the function throws when it exceeds `diagonalizedExponentialConditionLimit` = 1/√ε ≈ 6.7·10⁷,
/// i.e. when the result could have lost more than half its digits. For a defective or nearly
/// defective A (HiPPO-LegS at large N is highly non-normal) use `matrixExponential`.
/// For real A the result's imaginary part is rounding; the real part is returned.
/// - Parameter a: (n, n).
/// - Returns: (n, n).
/// - Throws: as `generalEigen`; `illConditioned` if cond₁(V) > 1/√ε (A defective or nearly
///   so); `singularMatrix` if V is exactly singular; `invalidParameter` if e^A overflows.
/// - Complexity: O(n³).
public func diagonalizedExponential(_ a: Matrix, name: String = "A") throws -> Matrix {
    let (lambda, v) = try generalEigen(a, name: name)         // (n), (n, n)
    let n = a.rows
    if let big = lambda.first(where: { !Complex.exp($0).isFinite }) {
        throw StateSpaceError.invalidParameter(
            name: "e^\(name)", value: "inf (e^λ overflows for the eigenvalue λ = \(big))",
            allowed: "the exponential must fit in a Double (≤ 1.8e308): eigenvalues of \(name) need real parts below ≈ 709")
    }
    var vExp = v                                              // (n, n): V e^Λ
    for i in 0..<n { for j in 0..<n { vExp[i, j] = v[i, j] * Complex.exp(lambda[j]) } }
    // e^A = (V e^Λ) V⁻¹  ⇔  Vᵀ (e^A)ᵀ = (V e^Λ)ᵀ; cond₁(Vᵀ) = cond_∞(V), within n of cond₁(V).
    let vName = "eigenvector matrix V of \(name)"
    let lu = try ComplexLU(v.transposed, name: vName)
    let condition = try lu.conditionNumber()
    guard condition <= diagonalizedExponentialConditionLimit else {
        throw StateSpaceError.illConditioned(
            name: vName, condition: condition, limit: diagonalizedExponentialConditionLimit,
            consequence: "\(name) is defective or nearly so, and V e^Λ V⁻¹ would carry errors up to ε·cond(V) > √ε; use matrixExponential")
    }
    let result = try lu.solve(vExp.transposed).transposed.real
    try requireRepresentableExponential(result, name)
    return result
}

/// The largest cond(V) `diagonalizedExponential` accepts: 1/√ε ≈ 6.7·10⁷, so that its
/// error bound ε·cond(V) stays below √ε ≈ 1.5·10⁻⁸ (half the digits of a double).
public let diagonalizedExponentialConditionLimit = 1 / Double.ulpOfOne.squareRoot()
