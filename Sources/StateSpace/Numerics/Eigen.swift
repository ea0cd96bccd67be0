import CLAPACK
import Numerics

/// The eigendecomposition of a Hermitian matrix H = V·diag(λ)·V* (`LAPACKE_zheev`).
///
/// Only the upper triangle of `h` is read (H is assumed Hermitian; that is the caller's
/// promise, as in LAPACK). Eigenvalues are real and ascending; V is unitary.
/// - Parameter h: (n, n).
/// - Returns: `values` (n), ascending; `vectors` (n, n) with eigenvector j in column j.
/// - Throws: `notSquare`, `nonFinite`, `invalidParameter` for n = 0 or when λ or V overflow
///   Double ("too large", naming H's largest |part|), `lapackFailure` if the QR iteration fails
///   to converge.
/// - Complexity: O(n³).
public func hermitianEigen(_ h: ComplexMatrix, name: String = "H") throws
    -> (values: [Double], vectors: ComplexMatrix)
{
    try h.requireSquare(name)
    try requirePositive(h.rows, "size of \(name)")
    try requireFinite(h.elements, name)
    let n = h.rows
    var v = h.elements                                         // (n, n), overwritten by V
    var w = [Double](repeating: 0, count: n)                   // (n)
    let info = v.withUnsafeMutableBufferPointer { pv in
        pv.withMemoryRebound(to: _lapack_complex_double.self) { lv in
            LAPACKE_zheev(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                          Int32(n), lv.baseAddress, Int32(n), &w)
        }
    }
    guard info == 0 else { throw StateSpaceError.lapackFailure(routine: "zheev", info: Int(info)) }
    try requireNoOverflow(allFinite(w) && allFinite(v), result: "eigendecomposition",
                          suspects: [OverflowSuspect(name, h.elements)])
    return (w, try ComplexMatrix(rows: n, cols: n, elements: v))
}

/// The eigendecomposition of a general real matrix A·V = V·diag(λ) (`LAPACKE_dgeev`).
///
/// Complex eigenvalues come in conjugate pairs; LAPACK returns each pair's eigenvector as two
/// real columns (real part, imaginary part), which are unpacked here into two complex columns.
/// Right eigenvectors are normalised to unit 2-norm (LAPACK's convention). If A is defective,
/// V is singular and A ≠ V·diag(λ)·V⁻¹; callers who need V⁻¹ must check V's conditioning.
/// - Parameter a: (n, n).
/// - Returns: `values` (n), in LAPACK's order; `vectors` (n, n), eigenvector j in column j.
/// - Throws: `notSquare`, `nonFinite`, `invalidParameter` for n = 0 or when λ or V overflow
///   Double ("too large"), `lapackFailure`.
/// - Complexity: O(n³).
public func generalEigen(_ a: Matrix, name: String = "A") throws
    -> (values: [Complex<Double>], vectors: ComplexMatrix)
{
    try a.requireSquare(name)
    try requirePositive(a.rows, "size of \(name)")
    try a.requireFinite(name)
    let n = a.rows
    var work = a.elements                                      // (n, n), destroyed
    var wr = [Double](repeating: 0, count: n)                  // (n)
    var wi = [Double](repeating: 0, count: n)                  // (n)
    var vl = [Double](repeating: 0, count: 1)                  // not referenced (jobvl = 'N')
    var vr = [Double](repeating: 0, count: n * n)              // (n, n), packed real pairs
    let info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "V")),
                             Int32(n), &work, Int32(n), &wr, &wi, &vl, 1, &vr, Int32(n))
    guard info == 0 else { throw StateSpaceError.lapackFailure(routine: "dgeev", info: Int(info)) }
    try requireNoOverflow(allFinite(wr) && allFinite(wi) && allFinite(vr), result: "eigendecomposition",
                          suspects: [OverflowSuspect(name, a.elements)])
    var vectors = ComplexMatrix(zeros: n, n)
    var j = 0
    while j < n {
        if wi[j] == 0 {
            for i in 0..<n { vectors[i, j] = Complex(vr[i * n + j], 0) }
            j += 1
        } else {
            for i in 0..<n {
                let re = vr[i * n + j], im = vr[i * n + j + 1]
                vectors[i, j] = Complex(re, im)
                vectors[i, j + 1] = Complex(re, -im)
            }
            j += 2
        }
    }
    return (zip(wr, wi).map { Complex($0, $1) }, vectors)
}

/// max |λ| over the eigenvalues of A: the spectral radius. A discrete recurrence x ← Āx is
/// stable (bounded for all k) when this is < 1 (for diagonalisable Ā).
/// - Throws: as `generalEigen`; `invalidParameter` ("too large") when |λ| overflows Double.
/// - Complexity: O(n³).
public func spectralRadius(_ a: Matrix, name: String = "A") throws -> Double {
    let radius = try generalEigen(a, name: name).values.reduce(0) { max($0, $1.length) }
    try requireNoOverflow(radius.isFinite, result: "spectral radius", suspects: [OverflowSuspect(name, a.elements)])
    return radius
}
