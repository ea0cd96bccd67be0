/// HiPPO-LegS (scaled Legendre): the memory that projects the *whole* history f on [0, t] onto
/// Legendre polynomials stretched to fit it (uniform measure 1/t on [0, t]).
///
/// With the stable sign convention used throughout (state equation c' = A c + B u):
///
///     A_nk = −√(2n+1)·√(2k+1)   n > k
///     A_nk = −(n + 1)            n = k
///     A_nk = 0                   n < k
///     B_n  = √(2n+1)
///
/// A is lower triangular, so its eigenvalues are its diagonal, −1, −2, …, −N.
/// The true LegS system is time-varying, c'(t) = (1/t)(A c + B f) (see `legSTimeVaryingStates`);
/// S4 uses (A, B) as an LTI system with a fixed step Δ instead.
/// Coefficients are those of the orthonormal basis g_n(s) = √(2n+1) P_n(2s/t − 1).
/// - Parameter stateSize: N, 1 ≤ N ≤ 2¹⁴.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for N < 1 or N > 2¹⁴.
/// - Complexity: O(N²).
public func legSTransition(stateSize n: Int) throws -> (a: Matrix, b: [Double]) {
    try requireHiPPOStateSize(n)
    let root = (0..<n).map { (2 * Double($0) + 1).squareRoot() }  // (N): √(2n+1)
    var a = Matrix(zeros: n, n)                                     // (N, N)
    for row in 0..<n {
        for col in 0..<row { a[row, col] = -root[row] * root[col] }
        a[row, row] = -Double(row + 1)
    }
    return (a, root)
}
