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
///   U has an exactly zero pivot, `invalidParameter` ("too large", naming A and B with their
///   largest |entries|) when X overflows Double.
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
    try requireNoOverflow(allFinite(x), result: "solution X", suspects: [OverflowSuspect(name, a.elements), OverflowSuspect("B", b.elements)],
                          remedy: nearlySingularRemedy(name))
    return try Matrix(rows: n, cols: b.cols, elements: x)
}

/// Solves A·x = b for one right-hand side vector (`LAPACKE_dgesv`).
/// `a` (n, n), `b` (n) → (n).
/// - Throws: as `solve(_:_:name:)`.
/// - Complexity: O(n³).
public func solve(_ a: Matrix, _ b: [Double], name: String = "A") throws -> [Double] {
    try solve(a, try Matrix(rows: b.count, cols: 1, elements: b), name: name).elements
}

/// Solves A·X = B for complex A and B (`LAPACKE_zgetrf` + `zgetrs`). `a` (n, n), `b` (n, m) → (n, m).
/// - Throws: `notSquare`, `shapeMismatch`, `nonFinite`, `singularMatrix`, `invalidParameter`
///   ("too large") when X overflows Double.
/// - Complexity: O(n³ + n²·m).
public func solve(_ a: ComplexMatrix, _ b: ComplexMatrix, name: String = "A") throws -> ComplexMatrix {
    try a.requireSquare(name)
    guard b.rows == a.rows else {
        throw StateSpaceError.shapeMismatch(name: "right-hand side of solve(\(name), B)",
                                            expected: "\(a.rows)×m", actual: "\(b.rows)×\(b.cols)")
    }
    try requireFinite(a.elements, name)
    try requireFinite(b.elements, "B")
    guard a.rows > 0, b.cols > 0 else { return b }
    let x = try ComplexLU(a, name: name).solve(b)
    try requireNoOverflow(allFinite(x.elements), result: "solution X", suspects: [OverflowSuspect(name, a.elements), OverflowSuspect("B", b.elements)],
                          remedy: nearlySingularRemedy(name))
    return x
}

/// What to do when A⁻¹B overflows: either B is huge or A is nearly singular for B's scale.
func nearlySingularRemedy(_ name: String) -> String {
    "scale B down, or \(name) is too close to singular for B's scale (a pivot far below B's entries)"
}

/// The LU factorisation P·A = L·U of a square complex matrix (`LAPACKE_zgetrf`), kept so that
/// one factorisation serves a condition estimate and a solve.
struct ComplexLU {
    let n: Int
    private let lu: [Complex<Double>]                          // (n, n): L\U
    private let pivots: [Int32]                                // (n)
    /// ‖A‖₁, needed by the condition estimate.
    let oneNorm: Double

    /// Factors `a` (n, n), n ≥ 1, finite (validated by the caller).
    /// - Throws: `singularMatrix` when U has an exactly zero pivot.
    /// - Complexity: O(n³).
    init(_ a: ComplexMatrix, name: String) throws {
        let n = a.rows
        var lu = a.elements
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.withUnsafeMutableBufferPointer { pa in
            pa.withMemoryRebound(to: _lapack_complex_double.self) { la in
                LAPACKE_zgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), la.baseAddress, Int32(n), &pivots)
            }
        }
        self.n = n
        self.lu = lu
        self.pivots = pivots
        oneNorm = (0..<n).map { j in (0..<n).reduce(0) { $0 + a[$1, j].length } }.max() ?? 0
        if info > 0 { throw StateSpaceError.singularMatrix(name: name, pivot: Int(info) - 1) }
        if info < 0 { throw StateSpaceError.lapackFailure(routine: "zgetrf", info: Int(info)) }
    }

    /// cond₁(A) = ‖A‖₁‖A⁻¹‖₁, estimated by `LAPACKE_zgecon` (Hager–Higham: within a small factor,
    /// usually exact). ∞ when LAPACK returns rcond = 0.
    /// - Complexity: O(n²).
    func conditionNumber() throws -> Double {
        var rcond = 0.0
        let info = lu.withUnsafeBufferPointer { pa in
            pa.withMemoryRebound(to: _lapack_complex_double.self) { la in
                LAPACKE_zgecon(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "1")), Int32(n), la.baseAddress, Int32(n), oneNorm, &rcond)
            }
        }
        if info != 0 { throw StateSpaceError.lapackFailure(routine: "zgecon", info: Int(info)) }
        return rcond > 0 ? 1 / rcond : .infinity
    }

    /// X = A⁻¹B for `b` (n, m) → (n, m) (`LAPACKE_zgetrs`).
    /// - Precondition: B has n rows (traps with both sizes).
    /// - Complexity: O(n²·m).
    func solve(_ b: ComplexMatrix) throws -> ComplexMatrix {
        requirePrecondition(b.rows == n, "ComplexLU.solve: A is \(n)×\(n) but B is \(b.rows)×\(b.cols)")
        var x = b.elements                                     // (n, m), overwritten by X
        let info = lu.withUnsafeBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                pa.withMemoryRebound(to: _lapack_complex_double.self) { la in
                    px.withMemoryRebound(to: _lapack_complex_double.self) { lx in
                        LAPACKE_zgetrs(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), Int32(n), Int32(b.cols),
                                       la.baseAddress, Int32(n), pivots, lx.baseAddress, Int32(b.cols))
                    }
                }
            }
        }
        if info != 0 { throw StateSpaceError.lapackFailure(routine: "zgetrs", info: Int(info)) }
        return try ComplexMatrix(rows: n, cols: b.cols, elements: x)
    }
}
