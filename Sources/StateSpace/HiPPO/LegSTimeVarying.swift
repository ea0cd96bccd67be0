import CLAPACK

/// How `legSTimeVaryingStates` steps c'(t) = (1/t)(A c + B f(t)) from t_{k−1} to t_k = kΔ:
/// the trapezoidal (bilinear) update with A/t frozen at one time of the step.
public enum LegSStepScheme: Sendable {
    /// A/t frozen at the step's end t_k (Δ/t_k = 1/k):
    /// (2k·I − A) c_k = (2k·I + A) c_{k−1} + 2B f_k. First order in Δ: freezing the time-varying
    /// matrix at the end of the step costs an O(Δ) error per unit time, whatever the trapezoid does.
    case frozenAtStepEnd
    /// A/t frozen at the step's midpoint t_{k−½} (Δ/t_{k−½} = 1/(k − ½)), f_k the input at the
    /// midpoint (sample f at t_k − Δ/2): (2(k−½)·I − A) c_k = (2(k−½)·I + A) c_{k−1} + 2B f_k.
    /// The implicit midpoint rule: second order in Δ.
    case midpoint
}

/// The true, time-varying LegS memory c'(t) = (1/t)(A c + B f(t)), run on samples f_k.
///
/// Step k (from t_{k−1} to t_k = kΔ) is the trapezoidal update with A/t frozen at one time of
/// the step (`scheme`): at the end, Δ/t_k = 1/k, so
///
///     (2k·I − A) c_k = (2k·I + A) c_{k−1} + 2B f_k,     c_0 = f_0·e_0
///
/// (first order in Δ), or at the midpoint, k − ½ in place of k (second order; f_k should then
/// be the sample at t_k − Δ/2). c_0: the projection of f on [0, 0⁺] is just its value, held by
/// the constant g_0 = 1.
/// Δ has cancelled: LegS has no timescale — it always summarises the whole history, however
/// long. For the same reason it is *not* time-invariant and has no convolution kernel: the
/// step-k matrices depend on k, not only on k − j.
/// A is lower triangular, so each step is a matrix-vector product and a triangular solve
/// (`cblas_dgemv`, `cblas_dtrsv`): O(N²), not O(N³).
/// - Parameters: `signal` f (L), L ≥ 1, finite; `stateSize` N, 1 ≤ N ≤ 2¹⁴, with L·N ≤ 2³⁰;
///   `scheme` (default `.frozenAtStepEnd`).
/// - Returns: the states c_k, (L, N).
/// - Throws: `invalidParameter` (N or L out of range; f so large that a state overflows),
///   `nonFinite`.
/// - Complexity: O(L·N²).
public func legSTimeVaryingStates(signal f: [Double], stateSize n: Int, scheme: LegSStepScheme = .frozenAtStepEnd) throws -> Matrix {
    try requireHiPPOStateSize(n)
    return try legSTimeVaryingStates(signal: f, transition: try legSTransition(stateSize: n), scheme: scheme)
}

/// `legSTimeVaryingStates(signal:stateSize:scheme:)` with the matrices given: any lower
/// triangular A with B (a variant of LegS, or a deliberately wrong one, to see what a check
/// makes of it).
/// - Parameters: `transition` A (N, N), lower triangular, and B (N), finite; as above otherwise.
/// - Throws: as above; `notSquare`, `shapeMismatch`, `invalidParameter` for an A with an entry
///   above the diagonal.
/// - Complexity: O(L·N²).
public func legSTimeVaryingStates(signal f: [Double], transition: (a: Matrix, b: [Double]),
                                  scheme: LegSStepScheme = .frozenAtStepEnd) throws -> Matrix {
    let n = transition.b.count
    try requirePositive(f.count, "signal length L")
    try requireFinite(f, "signal f")
    try requireHiPPOStateSize(n)
    _ = try StateSpaceModel(a: transition.a, b: transition.b, c: [Double](repeating: 0, count: n))  // checks shapes, finiteness
    for row in 0..<n {
        for col in (row + 1)..<max(row + 1, n) where transition.a[row, col] != 0 {
            throw StateSpaceError.invalidParameter(name: "A[\(row), \(col)]", value: "\(transition.a[row, col])",
                                                   allowed: "must be 0: A must be lower triangular (a triangular solve per step)")
        }
    }
    _ = try requireResultSize(rows: f.count, cols: n, "signal length L", value: f.count)
    let states = try legSTimeVaryingRecurrence(signal: f, a: transition.a, b: transition.b, scheme: scheme)  // (L, N)
    try requireNoOverflow(states.elements, "signal f", value: "max |f| = \(maxMagnitude(f))", "scale the signal down")
    return states
}

/// The recurrence of `legSTimeVaryingStates`, its inputs already checked. (L), (N, N), (N) → (L, N).
private func legSTimeVaryingRecurrence(signal f: [Double], a: Matrix, b: [Double], scheme: LegSStepScheme) throws -> Matrix {
    let n = b.count
    var states = Matrix(zeros: f.count, n)                         // (L, N)
    var c = [Double](repeating: 0, count: n)                       // (N)
    c[0] = f[0]
    var system = (-1) * a                                          // (N, N): 2k·I − A, diagonal set per step
    var rhs = [Double](repeating: 0, count: n)                     // (N)
    for i in 0..<n { states[0, i] = c[i] }
    for k in 1..<max(f.count, 1) {
        let twoK = 2 * (scheme == .midpoint ? Double(k) - 0.5 : Double(k))
        for i in 0..<n { system[i, i] = twoK - a[i, i] }
        for i in 0..<n { rhs[i] = twoK * c[i] + 2 * b[i] * f[k] }
        a.elements.withUnsafeBufferPointer { pa in
            c.withUnsafeBufferPointer { pc in
                rhs.withUnsafeMutableBufferPointer { pr in        // rhs += A·c_{k−1}
                    cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(n), 1, pa.baseAddress, Int32(n),
                                pc.baseAddress, 1, 1, pr.baseAddress, 1)
                }
            }
        }
        system.elements.withUnsafeBufferPointer { ps in
            rhs.withUnsafeMutableBufferPointer { pr in             // rhs ← (2k·I − A)⁻¹ rhs
                cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n),
                            ps.baseAddress, Int32(n), pr.baseAddress, 1)
            }
        }
        swap(&c, &rhs)
        for i in 0..<n { states[k, i] = c[i] }
    }
    return states
}
