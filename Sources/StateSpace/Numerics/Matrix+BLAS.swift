import CLAPACK
import Numerics

// Matrix products through CBLAS (OpenBLAS). Row-major storage is passed as CblasRowMajor, so
// no transposition or copy happens on the way in.

/// C ← α·op(A)·op(B) + β·C with `cblas_dgemm`.
///
/// - Parameters: `a` (m, k) after `transposeA`; `b` (k, n) after `transposeB`; `c` (m, n).
/// - Precondition: inner dimensions agree and C is m×n (checked; a mismatch traps with the
///   shapes — a programming error inside the library, not user input: public entry points
///   validate).
/// - Complexity: O(m·n·k) flops, at BLAS speed.
public func gemm(
    _ alpha: Double, _ a: Matrix, transposeA: Bool = false,
    _ b: Matrix, transposeB: Bool = false,
    _ beta: Double, _ c: inout Matrix
) {
    let m = transposeA ? a.cols : a.rows
    let k = transposeA ? a.rows : a.cols
    let kb = transposeB ? b.cols : b.rows
    let n = transposeB ? b.rows : b.cols
    requirePrecondition(k == kb && c.rows == m && c.cols == n,
                        "gemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.cols): need op(A) m×k, op(B) k×n, C m×n")
    guard m > 0, n > 0 else { return }
    a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            c.elements.withUnsafeMutableBufferPointer { pc in
                cblas_dgemm(CblasRowMajor,
                            transposeA ? CblasTrans : CblasNoTrans,
                            transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha,
                            pa.baseAddress, Int32(a.cols),
                            pb.baseAddress, Int32(b.cols),
                            beta, pc.baseAddress, Int32(n))
            }
        }
    }
}

/// y = A·x with `cblas_dgemv`. `a` (m, n), `x` (n) → (m).
/// - Precondition: x has n entries (a violation traps with A's shape and x's length).
/// - Complexity: O(m·n).
public func gemv(_ a: Matrix, _ x: [Double]) -> [Double] {
    requirePrecondition(x.count == a.cols, "gemv: A is \(a.rows)×\(a.cols) but x has length \(x.count): x must have length \(a.cols)")
    var y = [Double](repeating: 0, count: a.rows)
    guard a.rows > 0, a.cols > 0 else { return y }
    a.elements.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(a.rows), Int32(a.cols), 1.0,
                            pa.baseAddress, Int32(a.cols), px.baseAddress, 1, 0.0, py.baseAddress, 1)
            }
        }
    }
    return y
}

extension Matrix {
    /// A·B by `cblas_dgemm`. `a` (m, k), `b` (k, n) → (m, n).
    /// - Precondition: A's columns = B's rows (a violation traps with both shapes; for shapes
    ///   from user input use `multiplied(by:)`, which throws).
    /// - Complexity: O(m·n·k).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        requirePrecondition(a.cols == b.rows,
                            "Matrix *: A is \(a.rows)×\(a.cols) and B is \(b.rows)×\(b.cols): A's columns (\(a.cols)) must equal B's rows (\(b.rows))")
        var c = Matrix(zeros: a.rows, b.cols)
        gemm(1, a, b, 0, &c)
        return c
    }

    /// A·x by `cblas_dgemv`. (m, n)·(n) → (m).
    /// - Precondition: x has n entries (traps with the shapes, as `gemv`).
    /// - Complexity: O(m·n).
    public static func * (a: Matrix, x: [Double]) -> [Double] { gemv(a, x) }

    /// Checked product for user-facing code: throws on mismatched inner dimensions.
    /// - Complexity: O(m·n·k).
    public func multiplied(by b: Matrix, _ name: String = "matrix product") throws -> Matrix {
        guard cols == b.rows else {
            throw StateSpaceError.shapeMismatch(name: name, expected: "\(rows)×\(cols) · \(cols)×n",
                                                actual: "\(rows)×\(cols) · \(b.rows)×\(b.cols)")
        }
        return self * b
    }
}

/// C ← α·op(A)·op(B) + β·C with `cblas_zgemm` (complex; op ∈ {identity, transpose, adjoint}).
/// - Parameters: `a` (m, k), `b` (k, n), `c` (m, n), after op.
/// - Complexity: O(m·n·k) complex flops.
public func zgemm(
    _ alpha: Complex<Double>, _ a: ComplexMatrix, adjointA: Bool = false,
    _ b: ComplexMatrix, adjointB: Bool = false,
    _ beta: Complex<Double>, _ c: inout ComplexMatrix
) {
    let m = adjointA ? a.cols : a.rows
    let k = adjointA ? a.rows : a.cols
    let kb = adjointB ? b.cols : b.rows
    let n = adjointB ? b.rows : b.cols
    requirePrecondition(k == kb && c.rows == m && c.cols == n,
                        "zgemm: op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.cols): need op(A) m×k, op(B) k×n, C m×n")
    guard m > 0, n > 0 else { return }
    var alpha = alpha, beta = beta
    a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            c.elements.withUnsafeMutableBufferPointer { pc in
                withUnsafePointer(to: &alpha) { pAlpha in
                    withUnsafePointer(to: &beta) { pBeta in
                        cblas_zgemm(CblasRowMajor,
                                    adjointA ? CblasConjTrans : CblasNoTrans,
                                    adjointB ? CblasConjTrans : CblasNoTrans,
                                    Int32(m), Int32(n), Int32(k),
                                    UnsafeRawPointer(pAlpha), UnsafeRawPointer(pa.baseAddress), Int32(a.cols),
                                    UnsafeRawPointer(pb.baseAddress), Int32(b.cols),
                                    UnsafeRawPointer(pBeta), UnsafeMutableRawPointer(pc.baseAddress), Int32(n))
                    }
                }
            }
        }
    }
}

extension ComplexMatrix {
    /// A·B by `cblas_zgemm`. (m, k)·(k, n) → (m, n).
    /// - Precondition: A's columns = B's rows (a violation traps with both shapes).
    /// - Complexity: O(m·n·k).
    public static func * (a: ComplexMatrix, b: ComplexMatrix) -> ComplexMatrix {
        requirePrecondition(a.cols == b.rows,
                            "ComplexMatrix *: A is \(a.rows)×\(a.cols) and B is \(b.rows)×\(b.cols): A's columns (\(a.cols)) must equal B's rows (\(b.rows))")
        var c = ComplexMatrix(zeros: a.rows, b.cols)
        zgemm(.one, a, b, .zero, &c)
        return c
    }
}

/// C ← α·op(A)·op(B) + β·C on raw row-major storage with leading dimensions, for sub-blocks of
/// larger arrays (a chunk's rows, a head's columns) without copying them out. `cblas_dgemm`.
/// - Parameters: op(A) (m, k) with leading dimension `lda`; op(B) (k, n), `ldb`; C (m, n), `ldc`.
/// - Precondition: m, n, k ≥ 0 and each leading dimension ≥ max(1, its stored row length):
///   lda ≥ k (m if transposed), ldb ≥ n (k if transposed), ldc ≥ n; all ≤ Int32.max (a
///   violation traps naming the sizes: OpenBLAS would only print a warning and leave C as it was).
/// - Complexity: 2·m·n·k flops.
@inline(__always)
public func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Double = 1,
                 _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                 beta: Double = 0, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
    let rowA = transposeA ? m : k, rowB = transposeB ? k : n
    let limit = Int(Int32.max)
    requirePrecondition(m >= 0 && n >= 0 && k >= 0 && m <= limit && n <= limit && k <= limit
                            && lda >= max(1, rowA) && ldb >= max(1, rowB) && ldc >= max(1, n)
                            && lda <= limit && ldb <= limit && ldc <= limit,
                        "gemm(m: \(m), n: \(n), k: \(k), transposeA: \(transposeA), transposeB: \(transposeB)): lda = \(lda), ldb = \(ldb), ldc = \(ldc), but need m, n, k ≥ 0, lda ≥ \(max(1, rowA)), ldb ≥ \(max(1, rowB)), ldc ≥ \(max(1, n)), all ≤ Int32.max")
    guard m > 0, n > 0 else { return }
    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
