import Foundation

/// e^A by scaling and squaring with the [13/13] Padé approximant (Higham, "The scaling and
/// squaring method for the matrix exponential revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005),
/// with Al-Mohy & Higham's exact diagonals for triangular matrices ("A new scaling and squaring
/// algorithm for the matrix exponential", SIAM J. Matrix Anal. Appl. 31(3), 2009), applied to
/// the complex Schur form of a stiff dense matrix.
///
/// The idea: e^A = (e^{A/2ˢ})^{2ˢ}. Pick s so that ‖A/2ˢ‖₁ ≤ θ₁₃ ≈ 5.37, where the degree-13
/// Padé approximant r₁₃(X) = q(X)⁻¹p(X) of e^X has backward error below the unit roundoff
/// (Higham's bound), then square s times. With
///   U = X·(X⁶(b₁₃X⁶ + b₁₁X⁴ + b₉X²) + b₇X⁶ + b₅X⁴ + b₃X² + b₁I)   (odd part)
///   V =    X⁶(b₁₂X⁶ + b₁₀X⁴ + b₈X²) + b₆X⁶ + b₄X⁴ + b₂X² + b₀I    (even part)
/// p = V + U and q = V − U, so r₁₃ = (V − U)⁻¹(V + U): six GEMMs and one LU solve.
///
/// Stiff matrices (eigenvalues far apart). s is set by the *largest* eigenvalue, so a small
/// one, λ, is carried as r₁₃(λ/2ˢ) ≈ 1 + λ/2ˢ, which is rounded to the spacing of doubles near
/// 1 before it is squared s times: relative error ≈ 2ˢε ≈ ε‖A‖/θ₁₃ ("overscaling"). For
/// [[−10¹⁶, 10⁻³], [10⁻³, −1]] that made the e⁻¹ entry 22% wrong, and 0 at −10²⁰. The cure is
/// to keep the eigenvalues out of the squarings (Al-Mohy & Higham 2009, §2; Higham, "Functions
/// of Matrices", 2008, §10.4.3):
/// - Triangular up to a permutation (diagonal matrices, HiPPO-LegS, the zero-order-hold matrix
///   Δ[A B; 0 0] of a triangular A): each eigenvalue *is* an entry. After the Padé step and after
///   every squaring we overwrite the diagonal of r with the exact e^{t_ii/2ʲ} and the
///   superdiagonal with the exact exponential of each 2×2 block (a divided difference of exp)
///   (`triangularExponential`; the permutation is found as LAPACK's `dgebal` would, `triangularOrder`).
/// - Any other A needing more than `maxDenseSquarings` = 10 squarings (‖A‖₁ > 2¹⁰θ₁₃ ≈ 5500):
///   the complex Schur form A = U·T·U* (LAPACK `zgees`, backward stable), the same exact-diagonal
///   squaring on the triangular T, then e^A = Re(U·e^T·U*) (`schurExponential`). Below 10
///   squarings the overscaling error is under 2¹⁰ε ≈ 2.3·10⁻¹³ and the plain route (cheaper, and
///   what the chapters were written against) is kept.
/// What the Schur route can and cannot do: it is exact in the eigenvalues that zgees computes,
/// and those are as accurate as the data allow when the stiffness is in the entries' grading
/// (the QR algorithm resolves −1 beside −10²⁰ in the examples above, and in Δ[A B; 0 0] of
/// them). When a dense A mixes fast and slow modes in every entry (A = Q·diag(−k, −1)·Qᵀ with a
/// full Q), its entries, rounded to ε·k, already blur the slow eigenvalue by ε·k: e^A's
/// condition number is ≈ ‖A‖ and no backward-stable method recovers more (Van Loan 1977).
/// Balancing by a diagonal similarity (`dgebal` 'S', optional in Higham's algorithm) changes no
/// eigenvalue, so it cures neither case and is not used; nor is Al-Mohy & Higham's choice of s
/// from ‖Aᵏ‖^{1/k}, which helps non-normal matrices, not stiff ones.
///
/// What is exact and what is not: for ‖X‖ ≤ θ₁₃ the approximant is accurate to rounding in the
/// backward sense; squaring can amplify error when e^A has a much smaller norm than its factors
/// (a highly non-normal A). On the triangular and Schur routes the diagonal and superdiagonal
/// are correct to a few ulps whatever the eigenvalue spread; entries of e^A below ε·‖e^A‖ are
/// correct to ε·‖e^A‖ (absolute), not always relatively. We always use degree 13 (Higham also
/// uses 3…9 for small norms to save GEMMs; accuracy is the same).
///
/// - Parameter a: (n, n).
/// - Returns: e^A, (n, n).
/// - Throws: `notSquare`, `nonFinite`, `invalidParameter` (n = 0; ‖A‖₁ overflows; e^A
///   overflows, i.e. has an entry beyond ±1.8·10³⁰⁸); `lapackFailure` if zgees does not
///   converge (Schur route).
/// - Complexity: O(n³·(6 + s)) with s = max(0, ⌈log₂(‖A‖₁/θ₁₃)⌉), plus O(n·s) exps for a
///   triangular A; the Schur route adds O(n³) for zgees and runs in complex arithmetic (≈ 4×).
public func matrixExponential(_ a: Matrix, name: String = "A") throws -> Matrix {
    try a.requireSquare(name)
    try requirePositive(a.rows, "size of \(name)")
    try a.requireFinite(name)
    let norm = a.oneNorm
    guard norm.isFinite else {
        throw StateSpaceError.invalidParameter(
            name: "‖\(name)‖₁ (largest column sum of |\(name)|)", value: "\(norm)",
            allowed: "must be finite (≤ 1.8e308); the entries are too large to scale")
    }
    let s = norm > padeTheta13 ? Int(ceil(log2(norm / padeTheta13))) : 0
    let result: Matrix
    if let order = triangularOrder(a) {
        result = try triangularExponential(a.permuted(order), squarings: s).unpermuted(order)
    } else if s > maxDenseSquarings {
        result = try schurExponential(a).exponential
    } else {
        result = try denseExponential(a, squarings: s)
    }
    try requireRepresentableExponential(result, name)
    return result
}

/// e^A = r₁₃(A/2ˢ)^{2ˢ}, the plain scaling and squaring used for a matrix with no triangular
/// structure. `a` (n, n) → (n, n); `s` with ‖A/2ˢ‖₁ ≤ θ₁₃.
/// - Complexity: O(n³·(6 + s)).
func denseExponential(_ a: Matrix, squarings s: Int) throws -> Matrix {
    var r = try padeApproximant13(powerOfTwo(-s) * a)             // (n, n) ≈ e^{A/2ˢ}
    for _ in 0..<s { r = r * r }
    return r
}

/// 2ᵏ, exact (no `pow` rounding or overflow for |k| ≤ 1022). - Complexity: O(1).
func powerOfTwo(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }

/// r₁₃(X) = (V − U)⁻¹(V + U), the [13/13] Padé approximant of e^X. `x` (n, n) → (n, n).
/// - Throws: `singularMatrix` if q(X) is singular (impossible for ‖X‖₁ ≤ θ₁₃).
/// - Complexity: six GEMMs and one LU solve, O(n³).
func padeApproximant13(_ x: Matrix) throws -> Matrix {
    let b = padeCoefficients13
    let i = Matrix.identity(x.rows)
    let x2 = x * x, x4 = x2 * x2, x6 = x4 * x2                 // (n, n) each
    let uInner = x6 * (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * i
    let u = x * uInner
    let v = x6 * (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * i
    return try solve(v - u, v + u, name: "Padé denominator q(A/2ˢ)")
}

/// Throws when e^A overflowed (an entry is ±∞ or NaN after squaring).
/// - Complexity: O(n²).
func requireRepresentableExponential(_ e: Matrix, _ name: String) throws {
    guard let bad = e.elements.firstIndex(where: { !$0.isFinite }) else { return }
    throw StateSpaceError.invalidParameter(
        name: "e^\(name)", value: "\(e.elements[bad]) at entry (\(bad / e.cols), \(bad % e.cols))",
        allowed: "the exponential must fit in a Double (≤ 1.8e308): eigenvalues of \(name) need real parts below ≈ 709")
}

/// The most squarings the plain dense route may take: each doubles the relative rounding error
/// of an eigencomponent much smaller than ‖A‖ (overscaling, ≈ 2ˢε), and 2¹⁰ε ≈ 2.3·10⁻¹³ keeps
/// it below 10⁻¹²; beyond this (‖A‖₁ > 2¹⁰θ₁₃ ≈ 5500) a non-triangular A goes through its Schur form.
let maxDenseSquarings = 10

/// θ₁₃ from Higham (2005), Table 2.3: the largest ‖X‖₁ for which r₁₃ is accurate to unit roundoff.
let padeTheta13 = 5.371920351148152

/// Coefficients b₀…b₁₃ of the [13/13] Padé approximant of eˣ (Higham 2005, eq. 2.3 with m = 13).
let padeCoefficients13: [Double] = [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800,
    129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920,
    40840800, 960960, 16380, 182, 1,
]
