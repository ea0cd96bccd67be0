/// HiPPO-LagT (translated Laguerre): an exponentially fading memory. The state holds the
/// coefficients of the history, as a function of age a = t − s ≥ 0, in the Laguerre functions
/// ℓ_n(a) = L_n(a)·e^{−a/2}, which are orthonormal on [0, ∞):
///
///     A = −(½·I + strictly lower triangle of ones),   B = (1, 1, …, 1).
///
/// Derivation in one line: c_n(t) = ∫₀^∞ f(t − a) ℓ_n(a) da; differentiate in t and integrate by
/// parts, using ℓ_n(0) = 1 and L_n' = −Σ_{k<n} L_k, to get c_n' = f(t) − ½c_n − Σ_{k<n} c_k.
/// Time is in units of the measure's scale (e^{−a}); scale A and B by 1/τ for a scale τ.
/// - Parameter stateSize: N, 1 ≤ N ≤ 2¹⁴.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for N < 1 or N > 2¹⁴.
/// - Complexity: O(N²).
public func lagTTransition(stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
    try requireHiPPOStateSize(n)
    var a = Matrix(zeros: n, n)                                     // (N, N)
    for row in 0..<n {
        for col in 0..<row { a[row, col] = -1 }
        a[row, row] = -0.5
    }
    return (a, [Double](repeating: 1, count: n))
}
