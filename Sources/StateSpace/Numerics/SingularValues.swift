import CLAPACK

/// The singular values σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0 of a real m×n matrix, k = min(m, n)
/// (`LAPACKE_dgesdd`, values only: no singular vectors are formed).
///
/// The numerical rank of A at a relative level τ is the number of σᵢ > τ·σ₁. LAPACK computes
/// each σᵢ with an absolute error of a few ε·σ₁ (backward stable), so a σᵢ below ~1e-13·σ₁ of
/// a matrix of moderate size is zero in exact arithmetic as far as Double can tell.
/// - Parameter a: (m, n), m, n ≥ 1.
/// - Returns: (min(m, n)), descending.
/// - Throws: `invalidParameter` for an empty matrix; `nonFinite` for NaN/∞ in A;
///   `lapackFailure` if the bidiagonal QR/divide-and-conquer iteration does not converge.
/// - Complexity: O(m·n·min(m, n)).
public func singularValues(_ a: Matrix, name: String = "A") throws -> [Double] {
    try requirePositive(a.rows, "rows of \(name)")
    try requirePositive(a.cols, "columns of \(name)")
    try a.requireFinite(name)
    let (m, n) = (a.rows, a.cols)
    var work = a.elements                                      // (m, n), destroyed
    var sigma = [Double](repeating: 0, count: min(m, n))       // (min(m, n))
    var u = [Double](repeating: 0, count: 1)                   // not referenced (jobz = 'N')
    var vt = [Double](repeating: 0, count: 1)                  // not referenced
    // The row-major (m, n) buffer read column-major is Aᵀ (n, m), which has the same singular
    // values; column-major also spares LAPACKE's row-major transposition (and its stricter
    // leading-dimension checks on the unreferenced U and Vᵀ, which some versions apply).
    let info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), Int32(n), Int32(m), &work, Int32(n),
                              &sigma, &u, 1, &vt, 1)
    guard info == 0 else { throw StateSpaceError.lapackFailure(routine: "dgesdd", info: Int(info)) }
    return sigma
}
