/// Bilinear (Tustin, trapezoidal): Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A), B̄ = (I − Δ/2·A)⁻¹ΔB.
/// Second-order accurate; maps the left half-plane into the unit disc, so a stable A always
/// gives a stable Ā. Both come from one LU factorisation: solve (I − Δ/2·A)[Ā | B̄] = [I + Δ/2·A | ΔB].
/// - Parameters: `a` (N, N), `b` (N); validated by `discretize`.
/// - Throws: `singularMatrix` if 2/Δ is an eigenvalue of A.
/// - Complexity: O(N³).
func bilinear(a: Matrix, b: [Double], step: Double) throws -> (a: Matrix, b: [Double]) {
    let n = a.rows
    let identity = Matrix.identity(n)
    let left = identity - (step / 2) * a                       // (N, N)
    let right = identity + (step / 2) * a                      // (N, N)
    var rhs = Matrix(zeros: n, n + 1)                          // (N, N+1) = [I + Δ/2·A | ΔB]
    for i in 0..<n {
        for j in 0..<n { rhs[i, j] = right[i, j] }
        rhs[i, n] = step * b[i]
    }
    let x = try solve(left, rhs, name: "I − Δ/2·A with step Δ = \(step) (2/Δ = \(2 / step) is an eigenvalue of A)")  // (N, N+1)
    var aBar = Matrix(zeros: n, n)
    for i in 0..<n { for j in 0..<n { aBar[i, j] = x[i, j] } }
    return (aBar, x.column(n))
}
