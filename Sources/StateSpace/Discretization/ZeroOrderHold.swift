/// Zero-order hold: exact when u is constant on each step (held at u_k for t ∈ (t_{k−1}, t_k]):
/// Ā = e^{ΔA}, B̄ = ∫₀^Δ e^{sA} ds · B (= A⁻¹(e^{ΔA} − I)B when A is invertible).
///
/// We use the augmented-matrix exponential (Van Loan 1978) rather than A⁻¹, because it needs no
/// inverse and works for singular A (a free mass, an integrator):
///
///     exp(Δ · [A  B]) = [Ā  B̄]
///              [0  0]    [0  1]
///
/// - Parameters: `a` (N, N), `b` (N); validated by `discretize`.
/// - Complexity: O(N³) (one (N+1)×(N+1) matrix exponential).
func zeroOrderHold(a: Matrix, b: [Double], step: Double) throws -> (a: Matrix, b: [Double]) {
    let n = a.rows
    var augmented = Matrix(zeros: n + 1, n + 1)                // (N+1, N+1) = Δ·[A B; 0 0]
    for i in 0..<n {
        for j in 0..<n { augmented[i, j] = step * a[i, j] }
        augmented[i, n] = step * b[i]
    }
    let e: Matrix                                               // (N+1, N+1)
    do {
        e = try matrixExponential(augmented, name: "Δ·[A B; 0 0]")
    } catch StateSpaceError.invalidParameter(let name, _, _) where name.hasPrefix("e^") {
        // The exponential overflowed: the caller chose Δ, so name Δ, not the augmented matrix.
        throw StateSpaceError.invalidParameter(
            name: "step Δ", value: "\(step)",
            allowed: "too large: the zoh Ā = e^{ΔA} overflowed (an unstable A grows like e^{Δλ})")
    }
    var aBar = Matrix(zeros: n, n)
    for i in 0..<n { for j in 0..<n { aBar[i, j] = e[i, j] } }
    return (aBar, (0..<n).map { e[$0, n] })
}
