/// How a continuous SSM x'(t) = A x(t) + B u(t) becomes a recurrence x_k = Ā x_{k−1} + B̄ u_k
/// with step Δ.
///
/// | method      | Ā                         | B̄                        | exact when            | order |
/// |-------------|---------------------------|--------------------------|-----------------------|-------|
/// | `.euler`    | I + ΔA                    | ΔB                       | never                 | 1     |
/// | `.bilinear` | (I − Δ/2·A)⁻¹(I + Δ/2·A)  | (I − Δ/2·A)⁻¹ΔB          | never                 | 2     |
/// | `.zoh`      | e^{ΔA}                    | A⁻¹(e^{ΔA} − I)B         | u constant on steps   | exact |
public enum DiscretizationMethod: String, CaseIterable, Sendable, CustomStringConvertible {
    case euler, bilinear, zoh
    public var description: String {
        switch self {
        case .euler: "forward Euler"
        case .bilinear: "bilinear"
        case .zoh: "zero-order hold"
        }
    }
}

/// Discretises (A, B) with step Δ by `method`.
///
/// - Parameters: `a` (N, N), `b` (N), `step` Δ > 0.
/// - Returns: `a` Ā (N, N) and `b` B̄ (N).
/// - Throws: `notSquare`, `shapeMismatch` (B's length ≠ N), `invalidParameter` (Δ ≤ 0 or not
///   finite, N = 0), `nonFinite`, `singularMatrix` (bilinear with 2/Δ an eigenvalue of A).
/// - Complexity: O(N³).
public func discretize(a: Matrix, b: [Double], step: Double, method: DiscretizationMethod) throws
    -> (a: Matrix, b: [Double])
{
    try a.requireSquare("A")
    try requirePositive(a.rows, "state size N")
    try requireCount(b.count, a.rows, "B (must have length N = \(a.rows))")
    try requirePositive(step, "step Δ")
    try a.requireFinite("A")
    try requireFinite(b, "B")
    switch method {
    case .euler: return forwardEuler(a: a, b: b, step: step)
    case .bilinear: return try bilinear(a: a, b: b, step: step)
    case .zoh: return try zeroOrderHold(a: a, b: b, step: step)
    }
}
