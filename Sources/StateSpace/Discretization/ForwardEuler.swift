/// Forward Euler: x_k = x_{k−1} + Δ(A x_{k−1} + B u_k), i.e. Ā = I + ΔA, B̄ = ΔB.
/// First-order accurate; stable only if every eigenvalue of I + ΔA lies in the unit disc.
/// - Parameters: `a` (N, N), `b` (N); validated by `discretize`.
/// - Complexity: O(N²).
func forwardEuler(a: Matrix, b: [Double], step: Double) -> (a: Matrix, b: [Double]) {
    (Matrix.identity(a.rows) + step * a, b.map { step * $0 })
}
