import CLAPACK
import Numerics

/// Solves A·X = B by LU with partial pivoting (`LAPACKE_dgesv`).
///
/// - Parameters:
///   - a: (n, n) coefficient matrix.
///   - b: (n, m) right-hand sides.
///   - name: what `a` is called in error messages.
/// - Returns: X, (n, m).
/// - Throws: `notSquare`, `shapeMismatch` (B's rows ≠ n), `nonFinite`, `singularMatrix` when
///   U has an exactly zero pivot.
/// - Complexity: O(n³ + n²·m).
public func solve(_ a: Matrix, _ b: Matrix, name: String = "A") throws -> Matrix {
    try a.requireSquare(name)
    guard b.rows == a.rows else {
        throw StateSpaceError.shapeMismatch(name: "right-hand side of solve(\(name), B)",
                                            expected: "\(a.rows)×m", actual: "\(b.rows)×\(b.cols)")
    }
    try a.requireFinite(name)
    try b.requireFinite("B")
    let n = a.rows
    guard n > 0, b.cols > 0 else { return b }
    var lu = a.elements                                        // (n, n), overwritten by L\U
    var x = b.elements                                         // (n, m), overwritten by X
    var pivots = [Int32](repeating: 0, count: n)
    let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(b.cols), &lu, Int32(n),
                             &pivots, &x, Int32(b.cols))
    if info > 0 { throw StateSpaceError.singularMatrix(name: name, pivot: Int(info) - 1) }
    if info < 0 { throw StateSpaceError.lapackFailure(routine: "dgesv", info: Int(info)) }
    return try Matrix(rows: n, cols: b.cols, elements: x)
}

/// Solves A·x = b for one right-hand side vector (`LAPACKE_dgesv`).
/// `a` (n, n), `b` (n) → (n).
/// - Throws: as `solve(_:_:name:)`.
/// - Complexity: O(n³).
public func solve(_ a: Matrix, _ b: [Double], name: String = "A") throws -> [Double] {
    try solve(a, try Matrix(rows: b.count, cols: 1, elements: b), name: name).elements
}

/// Solves A·X = B for complex A and B (`LAPACKE_zgesv`). `a` (n, n), `b` (n, m) → (n, m).
/// - Throws: `notSquare`, `shapeMismatch`, `nonFinite`, `singularMatrix`.
/// - Complexity: O(n³ + n²·m).
public func solve(_ a: ComplexMatrix, _ b: ComplexMatrix, name: String = "A") throws -> ComplexMatrix {
    try a.requireSquare(name)
    guard b.rows == a.rows else {
        throw StateSpaceError.shapeMismatch(name: "right-hand side of solve(\(name), B)",
                                            expected: "\(a.rows)×m", actual: "\(b.rows)×\(b.cols)")
    }
    try requireFinite(a.elements, name)
    try requireFinite(b.elements, "B")
    let n = a.rows
    guard n > 0, b.cols > 0 else { return b }
    var lu = a.elements                                        // (n, n)
    var x = b.elements                                         // (n, m)
    var pivots = [Int32](repeating: 0, count: n)
    let info = lu.withUnsafeMutableBufferPointer { pa in
        x.withUnsafeMutableBufferPointer { px in
            pa.withMemoryRebound(to: _lapack_complex_double.self) { la in
                px.withMemoryRebound(to: _lapack_complex_double.self) { lx in
                    LAPACKE_zgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(b.cols), la.baseAddress, Int32(n),
                                  &pivots, lx.baseAddress, Int32(b.cols))
                }
            }
        }
    }
    if info > 0 { throw StateSpaceError.singularMatrix(name: name, pivot: Int(info) - 1) }
    if info < 0 { throw StateSpaceError.lapackFailure(routine: "zgesv", info: Int(info)) }
    return try ComplexMatrix(rows: n, cols: b.cols, elements: x)
}
