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
/// Δ is accepted when it is finite, > 0, and ΔA and ΔB are finite (Δ·max|A_ij| and
/// Δ·max|B_i| below Double's largest value); the result must be finite too — a ZOH e^{ΔA} of an
/// unstable A can overflow where ΔA does not. Whatever goes wrong with Δ is reported as Δ.
/// - Parameters: `a` (N, N), `b` (N), `step` Δ > 0.
/// - Returns: `a` Ā (N, N) and `b` B̄ (N).
/// - Throws: `notSquare`, `shapeMismatch` (B's length ≠ N), `invalidParameter` (Δ ≤ 0, not
///   finite, or so large that ΔA, ΔB, Ā or B̄ overflows; N = 0), `nonFinite`,
///   `singularMatrix` (bilinear with 2/Δ an eigenvalue of A).
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
    let largest = max(maxMagnitude(a.elements), maxMagnitude(b))
    guard (step * largest).isFinite else {
        throw StateSpaceError.invalidParameter(
            name: "step Δ", value: "\(step)", allowed: "too large: Δ·A and Δ·B must be finite (max |A_ij|, |B_i| = \(largest))")
    }
    let (aBar, bBar): (Matrix, [Double])
    switch method {
    case .euler: (aBar, bBar) = forwardEuler(a: a, b: b, step: step)
    case .bilinear: (aBar, bBar) = try bilinear(a: a, b: b, step: step)
    case .zoh: (aBar, bBar) = try zeroOrderHold(a: a, b: b, step: step)
    }
    guard aBar.elements.allSatisfy(\.isFinite), bBar.allSatisfy(\.isFinite) else {
        throw StateSpaceError.invalidParameter(
            name: "step Δ", value: "\(step)",
            allowed: "too large: the \(method) Ā and B̄ overflowed (an unstable A grows like e^{Δλ})")
    }
    return (aBar, bBar)
}
