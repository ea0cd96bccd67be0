import CLAPACK

/// The least-squares solution of an overdetermined system: argmin_x ‖A x − b‖₂, by QR
/// (`LAPACKE_dgels`).
/// - Parameters: `a` (m, n) with m ≥ n and full column rank; `b` (m).
/// - Returns: x, (n).
/// - Throws: `shapeMismatch` (b's length ≠ m, or m < n); `nonFinite`; `singularMatrix` when A
///   is rank-deficient (LAPACK reports a zero diagonal in R).
/// - Complexity: O(m·n²).
public func leastSquares(_ a: Matrix, _ b: [Double], name: String = "A") throws -> [Double] {
    try requireCount(b.count, a.rows, "right-hand side b (one entry per row of \(name))")
    guard a.rows >= a.cols, a.cols > 0 else {
        throw StateSpaceError.shapeMismatch(name: name, expected: "m×n with m ≥ n ≥ 1 (overdetermined)", actual: "\(a.rows)×\(a.cols)")
    }
    try a.requireFinite(name)
    try requireFinite(b, "b")
    var qr = a.elements                                               // (m, n), overwritten by QR
    var rhs = b                                                       // (m), first n entries become x
    let info = LAPACKE_dgels(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(a.rows), Int32(a.cols), 1,
                             &qr, Int32(a.cols), &rhs, 1)
    if info > 0 { throw StateSpaceError.singularMatrix(name: name, pivot: Int(info) - 1) }
    if info < 0 { throw StateSpaceError.lapackFailure(routine: "dgels", info: Int(info)) }
    return Array(rhs[0..<a.cols])
}
