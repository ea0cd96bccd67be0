import CLAPACK

/// The least-squares solution of an overdetermined system: argmin_x ‖A x − b‖₂, by QR with
/// column pivoting (`LAPACKE_dgelsy`), which also reveals A's numerical rank.
///
/// Rank criterion: dgelsy factors A P = Q R with column pivoting and takes as the rank r the
/// order of the largest leading triangle R₁₁ whose estimated condition number is below
/// 1/rcond, with rcond = max(m, n)·ε (ε = 2.2·10⁻¹⁶, the tolerance NumPy's `lstsq` also uses).
/// If r < n, some column is (to working precision) a combination of the others, the minimiser
/// is not unique, and we throw rather than return one of infinitely many (plain QR, `dgels`,
/// returned entries of size 10¹⁶ here).
/// - Parameters: `a` (m, n) with m ≥ n ≥ 1 and full column rank; `b` (m).
/// - Returns: x, (n).
/// - Throws: `shapeMismatch` (b's length ≠ m, or m < n, or n = 0); `nonFinite`;
///   `singularMatrix` (with `pivot` = r, the numerical rank) when A is rank-deficient;
///   `invalidParameter` ("too large", naming A and b) when x overflows Double.
/// - Complexity: O(m·n²).
public func leastSquares(_ a: Matrix, _ b: [Double], name: String = "A") throws -> [Double] {
    try requireCount(b.count, a.rows, "right-hand side b (one entry per row of \(name))")
    guard a.rows >= a.cols, a.cols > 0 else {
        throw StateSpaceError.shapeMismatch(name: name, expected: "m×n with m ≥ n ≥ 1 (overdetermined)", actual: "\(a.rows)×\(a.cols)")
    }
    try a.requireFinite(name)
    try requireFinite(b, "b")
    let (m, n) = (a.rows, a.cols)
    var qr = a.elements                                               // (m, n), overwritten by the factorisation
    var rhs = b                                                       // (m), first n entries become x
    var pivots = [Int32](repeating: 0, count: n)                      // (n), 0: every column free to move
    var rank: Int32 = 0
    let rcond = Double(max(m, n)) * Double.ulpOfOne
    let info = LAPACKE_dgelsy(LAPACK_ROW_MAJOR, Int32(m), Int32(n), 1, &qr, Int32(n), &rhs, 1,
                              &pivots, rcond, &rank)
    if info != 0 { throw StateSpaceError.lapackFailure(routine: "dgelsy", info: Int(info)) }
    if Int(rank) < n { throw StateSpaceError.singularMatrix(name: name, pivot: Int(rank)) }
    let x = Array(rhs[0..<n])
    try requireNoOverflow(allFinite(x), result: "solution x", suspects: [OverflowSuspect(name, a.elements), OverflowSuspect("b", b)],
                          remedy: "scale b down, or \(name)'s columns are too small for b's scale")
    return x
}
