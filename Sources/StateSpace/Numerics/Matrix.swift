import Foundation

/// A dense real matrix, row-major and contiguous: entry (i, j) is `elements[i * cols + j]`.
///
/// Arithmetic that matters for speed goes to BLAS/LAPACK (see `Matrix+BLAS.swift`,
/// `LinearSolve.swift`, `Eigen.swift`); this file holds construction and elementwise access.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    /// (rows, cols), row-major.
    public var elements: [Double]

    /// A matrix over `elements` stored row-major.
    /// - Throws: `invalidParameter` for a negative size or when rows·cols overflows `Int`;
    ///   `shapeMismatch` unless `elements.count == rows * cols`.
    /// - Complexity: O(1).
    public init(rows: Int, cols: Int, elements: [Double]) throws {
        guard rows >= 0, cols >= 0 else {
            throw StateSpaceError.invalidParameter(name: "rows×cols", value: "\(rows)×\(cols)", allowed: "sizes must be ≥ 0")
        }
        let count = try checkedProduct(rows, cols, "Matrix rows × cols")
        try requireCount(elements.count, count, "Matrix elements (\(rows)×\(cols))")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// A matrix over `elements` whose count the caller guarantees (internal: no check).
    init(unchecked rows: Int, _ cols: Int, _ elements: [Double]) {
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// The rows×cols zero matrix.
    /// - Precondition: rows ≥ 0, cols ≥ 0 and rows·cols ≤ `maximumResultElements` = 2³⁰ (a
    ///   violation traps with a message naming both sizes, for every Int). Every caller in the library passes sizes of existing arrays
    ///   or validated parameters; for sizes typed by a user, use `init(rows:cols:elements:)`,
    ///   which throws.
    /// - Complexity: O(rows·cols).
    public init(zeros rows: Int, _ cols: Int) {
        let count = requireMatrixSize(rows, cols, "Matrix(zeros: rows, cols)")
        self.rows = rows
        self.cols = cols
        self.elements = [Double](repeating: 0, count: count)
    }

    /// A matrix from nested rows (for small literals in chapters and tests).
    /// - Throws: `shapeMismatch` if the rows have different lengths.
    /// - Complexity: O(rows·cols).
    public init(_ nested: [[Double]]) throws {
        let c = nested.first?.count ?? 0
        for (i, row) in nested.enumerated() {
            try requireCount(row.count, c, "row \(i) of the matrix literal")
        }
        try self.init(rows: nested.count, cols: c, elements: nested.flatMap { $0 })
    }

    /// The n×n identity.
    /// - Precondition: 0 ≤ n and n² ≤ 2³⁰, i.e. n ≤ 32 768 (a violation traps with a message
    ///   naming n).
    /// - Complexity: O(n²).
    public static func identity(_ n: Int) -> Matrix {
        requirePrecondition(n >= 0 && n <= maximumIdentitySize,
                            "Matrix.identity(n): n = \(n), but the size n must be ≥ 0 and n² at most 2^30 (n ≤ \(maximumIdentitySize))")
        var m = Matrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The diagonal matrix with `diagonal` on its diagonal.
    /// - Complexity: O(n²).
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        var m = Matrix(zeros: diagonal.count, diagonal.count)
        for (i, d) in diagonal.enumerated() { m[i, i] = d }
        return m
    }

    public var isSquare: Bool { rows == cols }

    /// Entry (i, j).
    /// - Precondition: 0 ≤ i < rows and 0 ≤ j < cols (a violation traps naming the index and
    ///   the shape; without the column check (0, cols) would silently read (1, 0)).
    /// - Complexity: O(1).
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get {
            return elements[checkedIndex(i, j, rows, cols, "Matrix")]
        }
        set {
            elements[checkedIndex(i, j, rows, cols, "Matrix")] = newValue
        }
    }

    /// Row i as an array. - Complexity: O(cols).
    public func row(_ i: Int) -> [Double] { Array(elements[i * cols..<(i + 1) * cols]) }

    /// Column j as an array. - Complexity: O(rows).
    public func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }

    /// Aᵀ. - Complexity: O(rows·cols).
    public var transposed: Matrix {
        var t = Matrix(zeros: cols, rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    /// ‖A‖₁ = max_j Σ_i |a_ij| (the norm the matrix exponential's scaling uses).
    /// - Complexity: O(rows·cols).
    public var oneNorm: Double {
        var best = 0.0
        for j in 0..<cols {
            var s = 0.0
            for i in 0..<rows { s += abs(self[i, j]) }
            best = max(best, s)
        }
        return best
    }

    /// Throws unless the matrix is square. - Complexity: O(1).
    public func requireSquare(_ name: String) throws {
        guard isSquare else { throw StateSpaceError.notSquare(name: name, rows: rows, cols: cols) }
    }

    /// Throws at the first non-finite entry. - Complexity: O(rows·cols).
    public func requireFinite(_ name: String) throws {
        try StateSpace.requireFinite(elements, name)
    }

    /// A + B, elementwise.
    /// - Precondition: equal shapes (a violation traps with both shapes; `multiplied(by:)`'s
    ///   throwing style is not offered here because every caller adds matrices it built itself).
    /// - Complexity: O(rows·cols).
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        requirePrecondition(a.rows == b.rows && a.cols == b.cols,
                            "Matrix +: A is \(a.rows)×\(a.cols) and B is \(b.rows)×\(b.cols): the shapes must be equal")
        var c = a
        for i in c.elements.indices { c.elements[i] += b.elements[i] }
        return c
    }

    /// A − B, elementwise.
    /// - Precondition: equal shapes (a violation traps with both shapes).
    /// - Complexity: O(rows·cols).
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        requirePrecondition(a.rows == b.rows && a.cols == b.cols,
                            "Matrix -: A is \(a.rows)×\(a.cols) and B is \(b.rows)×\(b.cols): the shapes must be equal")
        var c = a
        for i in c.elements.indices { c.elements[i] -= b.elements[i] }
        return c
    }

    /// s·A. - Complexity: O(rows·cols).
    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        for i in c.elements.indices { c.elements[i] *= s }
        return c
    }

    public var description: String {
        (0..<rows).map { i in
            row(i).map { String(format: "%12.6g", $0) }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}

/// rows·cols for a matrix built by a non-throwing initialiser: traps, naming the caller and both
/// sizes, unless rows ≥ 0, cols ≥ 0, the product fits in `Int` and is at most
/// `maximumResultElements` (2³⁰). Without the last check a size near `Int.max` reaches
/// `Array(repeating:count:)`, whose byte count wraps at `-O`: an out-of-bounds write, not a trap.
/// - Complexity: O(1).
func requireMatrixSize(_ rows: Int, _ cols: Int, _ caller: String) -> Int {
    let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
    requirePrecondition(rows >= 0 && cols >= 0 && !overflow && count <= maximumResultElements,
                        "\(caller): rows = \(rows), cols = \(cols), but each must be ≥ 0 and rows·cols must fit in Int and be at most 2^30 = \(maximumResultElements)")
    return count
}

/// The largest n for which an n×n matrix fits under `maximumResultElements`: 2¹⁵ = 32 768.
let maximumIdentitySize = 1 << 15

/// i·cols + j for entry (i, j) of a rows×cols matrix, trapping — with the index and the shape in
/// the message — when it is out of range. The check is two compares and a branch; the message
/// is built out of line, only on failure.
/// - Complexity: O(1).
@inlinable @inline(__always)
func checkedIndex(_ i: Int, _ j: Int, _ rows: Int, _ cols: Int, _ type: StaticString) -> Int {
    if UInt(bitPattern: i) >= UInt(bitPattern: rows) || UInt(bitPattern: j) >= UInt(bitPattern: cols) {
        indexOutOfRange(i, j, rows, cols, type)
    }
    return i * cols + j
}

@usableFromInline @inline(never)
func indexOutOfRange(_ i: Int, _ j: Int, _ rows: Int, _ cols: Int, _ type: StaticString) -> Never {
    fatalError("\(type)[\(i), \(j)]: the matrix is \(rows)×\(cols), so i must be in 0..<\(rows) and j in 0..<\(cols)")
}
