/// HiPPO-LegT (translated Legendre): the memory of a sliding window — it projects the last θ
/// time units of f, i.e. f on [t − θ, t], onto Legendre polynomials fitted to the window.
///
///     A_nk = −(1/θ)·√(2n+1)·√(2k+1) · { 1          n ≥ k
///                                      { (−1)^{n−k}  n < k
///     B_n  = (1/θ)·√(2n+1)
///
/// (the Legendre Memory Unit up to a diagonal rescaling; we use the orthonormal normalisation
/// so the coefficients are those of g_n(s) = √(2n+1) P_n(x) with x = 2(s − t)/θ + 1: x = 1 is
/// *now*, x = −1 is θ ago). The dynamics are exact for a projection only up to the one
/// approximation LegT makes: f(t − θ), which leaves the window, is replaced by its own
/// reconstruction from the state.
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `window` θ > 0, finite, and large enough that
///   the largest entry (2N − 1)/θ is finite.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for N out of range or θ ≤ 0 / not finite / too small.
/// - Complexity: O(N²).
public func legTTransition(stateSize n: Int, window theta: Double) throws -> (a: Matrix, b: [Double]) {
    try requireHiPPOStateSize(n)
    try requireWindow(theta, largestEntry: 2 * Double(n) - 1)
    let root = (0..<n).map { (2 * Double($0) + 1).squareRoot() }  // (N)
    var a = Matrix(zeros: n, n)                                     // (N, N)
    for row in 0..<n {
        for col in 0..<n {
            let sign: Double = row >= col ? 1 : ((row - col) % 2 == 0 ? 1 : -1)
            a[row, col] = -sign * root[row] * root[col] / theta
        }
    }
    return (a, root.map { $0 / theta })
}
