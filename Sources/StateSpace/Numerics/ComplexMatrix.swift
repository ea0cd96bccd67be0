import Numerics

/// A dense complex matrix, row-major and contiguous: entry (i, j) is `elements[i * cols + j]`.
/// Entries are swift-numerics `Complex<Double>`, whose layout (real, imaginary) matches
/// LAPACK's `_lapack_complex_double` and FFTW's `fftw_complex`, so buffers are passed to both
/// by rebinding, without copying.
public struct ComplexMatrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// (rows, cols), row-major.
    public var elements: [Complex<Double>]

    /// - Throws: `invalidParameter` for a negative size or when rows·cols overflows `Int`;
    ///   `shapeMismatch` unless `elements.count == rows * cols`.
    /// - Complexity: O(1).
    public init(rows: Int, cols: Int, elements: [Complex<Double>]) throws {
        guard rows >= 0, cols >= 0 else {
            throw StateSpaceError.invalidParameter(name: "rows×cols", value: "\(rows)×\(cols)", allowed: "sizes must be ≥ 0")
        }
        let count = try checkedProduct(rows, cols, "ComplexMatrix rows × cols")
        try requireCount(elements.count, count, "ComplexMatrix elements (\(rows)×\(cols))")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// The rows×cols zero matrix.
    /// - Precondition: rows ≥ 0, cols ≥ 0 and rows·cols ≤ `maximumResultElements` = 2³⁰ (a
    ///   violation traps with a message naming both sizes, for every Int); for sizes typed by a user, use `init(rows:cols:elements:)`.
    /// - Complexity: O(rows·cols).
    public init(zeros rows: Int, _ cols: Int) {
        let count = requireMatrixSize(rows, cols, "ComplexMatrix(zeros: rows, cols)")
        self.rows = rows
        self.cols = cols
        self.elements = [Complex<Double>](repeating: .zero, count: count)
    }

    /// The real matrix `real` viewed as complex (zero imaginary part). - Complexity: O(rows·cols).
    public init(_ real: Matrix) {
        rows = real.rows
        cols = real.cols
        elements = real.elements.map { Complex($0, 0) }
    }

    /// The n×n identity.
    /// - Precondition: 0 ≤ n ≤ 32 768 (n² ≤ 2³⁰; a violation traps with a message naming n).
    /// - Complexity: O(n²).
    public static func identity(_ n: Int) -> ComplexMatrix {
        requirePrecondition(n >= 0 && n <= maximumIdentitySize,
                            "ComplexMatrix.identity(n): n = \(n), but the size n must be ≥ 0 and n² at most 2^30 (n ≤ \(maximumIdentitySize))")
        var m = ComplexMatrix(zeros: n, n)
        for i in 0..<n { m[i, i] = .one }
        return m
    }

    public var isSquare: Bool { rows == cols }

    /// Entry (i, j).
    /// - Precondition: 0 ≤ i < rows and 0 ≤ j < cols (a violation traps naming the index and
    ///   the shape).
    /// - Complexity: O(1).
    @inlinable
    public subscript(i: Int, j: Int) -> Complex<Double> {
        get {
            return elements[checkedIndex(i, j, rows, cols, "ComplexMatrix")]
        }
        set {
            elements[checkedIndex(i, j, rows, cols, "ComplexMatrix")] = newValue
        }
    }

    /// Column j. - Complexity: O(rows).
    public func column(_ j: Int) -> [Complex<Double>] { (0..<rows).map { self[$0, j] } }

    /// A* (conjugate transpose). - Complexity: O(rows·cols).
    public var adjoint: ComplexMatrix {
        var t = ComplexMatrix(zeros: cols, rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j].conjugate } }
        return t
    }

    /// Aᵀ (no conjugation). - Complexity: O(rows·cols).
    public var transposed: ComplexMatrix {
        var t = ComplexMatrix(zeros: cols, rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    /// The real parts. - Complexity: O(rows·cols).
    public var real: Matrix {
        // Shapes are consistent by construction, so this cannot throw.
        try! Matrix(rows: rows, cols: cols, elements: elements.map(\.real))
    }

    /// The largest |imaginary part|: how far the matrix is from being real.
    /// - Complexity: O(rows·cols).
    public var maxAbsImaginary: Double { elements.reduce(0) { max($0, abs($1.imaginary)) } }

    /// Throws unless square. - Complexity: O(1).
    public func requireSquare(_ name: String) throws {
        guard isSquare else { throw StateSpaceError.notSquare(name: name, rows: rows, cols: cols) }
    }
}
