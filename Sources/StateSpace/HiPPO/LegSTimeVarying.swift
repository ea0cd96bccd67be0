import CLAPACK

/// The true, time-varying LegS memory c'(t) = (1/t)(A c + B f(t)), run on samples f_k = f(kΔ).
///
/// Bilinear discretisation of step k (from t_{k−1} to t_k = kΔ) with A/t frozen at t_k:
/// Δ/t_k = 1/k, so
///
///     (2k·I − A) c_k = (2k·I + A) c_{k−1} + 2B f_k,     c_0 = f_0·e_0
///
/// (c_0: the projection of f on [0, 0⁺] is just its value, held by the constant g_0 = 1).
/// Δ has cancelled: LegS has no timescale — it always summarises the whole history, however
/// long. For the same reason it is *not* time-invariant and has no convolution kernel: the
/// step-k matrices depend on k, not only on k − j.
/// A is lower triangular, so each step is a matrix-vector product and a triangular solve
/// (`cblas_dgemv`, `cblas_dtrsv`): O(N²), not O(N³).
/// - Parameters: `signal` f (L), L ≥ 1, finite; `stateSize` N, 1 ≤ N ≤ 2¹⁴, with L·N ≤ 2³⁰.
/// - Returns: the states c_k, (L, N).
/// - Throws: `invalidParameter` (N or L out of range; f so large that a state overflows),
///   `nonFinite`.
/// - Complexity: O(L·N²).
public func legSTimeVaryingStates(signal f: [Double], stateSize n: Int) throws -> Matrix {
    try requirePositive(f.count, "signal length L")
    try requireFinite(f, "signal f")
    try requireHiPPOStateSize(n)
    _ = try requireResultSize(rows: f.count, cols: n, "signal length L", value: f.count)
    let states = try legSTimeVaryingRecurrence(signal: f, stateSize: n)  // (L, N)
    try requireNoOverflow(states.elements, "signal f", value: "max |f| = \(maxMagnitude(f))", "scale the signal down")
    return states
}

/// The recurrence of `legSTimeVaryingStates`, its inputs already checked. (L), N → (L, N).
private func legSTimeVaryingRecurrence(signal f: [Double], stateSize n: Int) throws -> Matrix {
    let (a, b) = try legSTransition(stateSize: n)                  // (N, N), (N)
    var states = Matrix(zeros: f.count, n)                         // (L, N)
    var c = [Double](repeating: 0, count: n)                       // (N)
    c[0] = f[0]
    var system = (-1) * a                                          // (N, N): 2k·I − A, diagonal set per step
    var rhs = [Double](repeating: 0, count: n)                     // (N)
    for i in 0..<n { states[0, i] = c[i] }
    for k in 1..<max(f.count, 1) {
        let twoK = 2 * Double(k)
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
