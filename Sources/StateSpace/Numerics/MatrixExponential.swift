import Foundation

/// e^A by scaling and squaring with the [13/13] Padé approximant (Higham, "The scaling and
/// squaring method for the matrix exponential revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005).
///
/// The idea: e^A = (e^{A/2ˢ})^{2ˢ}. Pick s so that ‖A/2ˢ‖₁ ≤ θ₁₃ ≈ 5.37, where the degree-13
/// Padé approximant r₁₃(X) = q(X)⁻¹p(X) of e^X has backward error below the unit roundoff
/// (Higham's bound), then square s times. With
///   U = X·(X⁶(b₁₃X⁶ + b₁₁X⁴ + b₉X²) + b₇X⁶ + b₅X⁴ + b₃X² + b₁I)   (odd part)
///   V =    X⁶(b₁₂X⁶ + b₁₀X⁴ + b₈X²) + b₆X⁶ + b₄X⁴ + b₂X² + b₀I    (even part)
/// p = V + U and q = V − U, so r₁₃ = (V − U)⁻¹(V + U): six GEMMs and one LU solve.
///
/// What is exact and what is not: for ‖X‖ ≤ θ₁₃ the approximant is accurate to rounding in the
/// backward sense; squaring can amplify error when e^A has a much smaller norm than its factors
/// (a highly non-normal A). We always use degree 13 (Higham also uses 3…9 for small norms to
/// save GEMMs; accuracy is the same).
///
/// - Parameter a: (n, n).
/// - Returns: e^A, (n, n).
/// - Throws: `notSquare`, `nonFinite`, `invalidParameter` (n = 0).
/// - Complexity: O(n³·(6 + s)) with s = max(0, ⌈log₂(‖A‖₁/θ₁₃)⌉).
public func matrixExponential(_ a: Matrix, name: String = "A") throws -> Matrix {
    try a.requireSquare(name)
    try requirePositive(a.rows, "size of \(name)")
    try a.requireFinite(name)
    let n = a.rows
    let norm = a.oneNorm
    let s = norm > padeTheta13 ? Int(ceil(log2(norm / padeTheta13))) : 0
    let x = (1 / pow(2.0, Double(s))) * a                      // (n, n), ‖x‖₁ ≤ θ₁₃
    let b = padeCoefficients13
    let i = Matrix.identity(n)
    let x2 = x * x, x4 = x2 * x2, x6 = x4 * x2                 // (n, n) each
    let uInner = x6 * (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * i
    let u = x * uInner
    let v = x6 * (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * i
    var r = try solve(v - u, v + u, name: "Padé denominator q(A/2ˢ)")
    for _ in 0..<s { r = r * r }
    return r
}

/// θ₁₃ from Higham (2005), Table 2.3: the largest ‖X‖₁ for which r₁₃ is accurate to unit roundoff.
let padeTheta13 = 5.371920351148152

/// Coefficients b₀…b₁₃ of the [13/13] Padé approximant of eˣ (Higham 2005, eq. 2.3 with m = 13).
let padeCoefficients13: [Double] = [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800,
    129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920,
    40840800, 960960, 16380, 182, 1,
]
