/// HiPPO-FouT (translated Fourier): a sliding window of length θ, like LegT, but in the
/// Fourier basis of the window, x = (s − t + θ)/θ ∈ [0, 1]:
///
///     g_0 = 1,   g_{2k−1} = √2·cos(2πkx),   g_{2k} = √2·sin(2πkx),   k = 1, 2, …
///
/// (orthonormal for the uniform measure on the window). Differentiating c_n(t) = (1/θ)∫ f g_n
/// over the moving window gives (1/θ)[g_n(1)f(t) − g_n(0)f(t − θ)] − (1/θ)⟨f, g_n'⟩. The
/// basis is periodic, g_n(1) = g_n(0) =: e_n (e = (1, √2, 0, √2, 0, …)), and g_n' maps cos to
/// sin: the derivative term is a skew-symmetric matrix S with S_{2k−1,2k} = 2πk = −S_{2k,2k−1}.
/// The unknown f(t − θ) must be replaced by what the state knows (LegT's approximation). But
/// a truncated Fourier series does not converge to f at the window's edge: the periodic
/// extension jumps there from f(t) to f(t − θ), and the partial sums converge to the midpoint,
/// eᵀc ≈ ½(f(t − θ) + f(t)). So f(t − θ) ≈ 2eᵀc − f(t), which gives
///
///     A = (S − 2·e·eᵀ)/θ,   B = 2e/θ.
///
/// (Using f(t − θ) ≈ eᵀc instead halves the effective input and the memory never settles:
/// the chapter's reconstruction error shows it.) A + 2e eᵀ/θ is skew-symmetric — the "skew
/// part" the tests check.
/// N must be odd — the constant plus whole (cos, sin) pairs. A cosine without its sine has no
/// rotation partner, and that one dangling mode spoils the memory (relative error stuck near
/// 0.3 in the chapter's test, where the odd sizes either side reach 0.06 and 0.02).
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴, odd; `window` θ > 0, finite, and large enough
///   that the largest entry, at most (4 + πN)/θ, is finite.
/// - Returns: A (N, N), B (N).
/// - Throws: `invalidParameter` for N out of range, even N, or θ ≤ 0 / not finite / too small.
/// - Complexity: O(N²).
public func fouTTransition(stateSize n: Int, window theta: Double) throws -> (a: Matrix, b: [Double]) {
    try requireHiPPOStateSize(n)
    guard n % 2 == 1 else {
        throw StateSpaceError.invalidParameter(name: "state size N (FouT)", value: "\(n)",
                                               allowed: "must be odd: the constant plus whole (cos, sin) pairs")
    }
    try requireWindow(theta, largestEntry: 4 + Double.pi * Double(n))
    let e = (0..<n).map { i -> Double in i == 0 ? 1 : (i % 2 == 1 ? 2.0.squareRoot() : 0) }  // (N): g_n(0)
    var a = Matrix(zeros: n, n)                                     // (N, N)
    for row in 0..<n {
        for col in 0..<n { a[row, col] = -2 * e[row] * e[col] / theta }
    }
    for k in 1...max(1, (n - 1) / 2) where 2 * k < n {              // the (cos k, sin k) pair
        let w = 2 * Double.pi * Double(k) / theta
        a[2 * k - 1, 2 * k] += w
        a[2 * k, 2 * k - 1] -= w
    }
    return (a, e.map { 2 * $0 / theta })
}
