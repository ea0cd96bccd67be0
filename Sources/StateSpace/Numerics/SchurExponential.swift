import CLAPACK
import Foundation
import Numerics

// The matrix exponential of a stiff dense matrix through its complex Schur form (Higham,
// "Functions of Matrices", SIAM 2008, §10.4.3 and ch. 9; Al-Mohy & Higham 2009, §2). The entry
// point is `matrixExponential`, whose doc comment says when this route is taken and why.

/// The complex Schur form A = U·T·U* (`LAPACKE_zgees`): U unitary, T upper triangular with the
/// eigenvalues of A on its diagonal. Backward stable: T and U are exact for A + E, ‖E‖ = O(ε‖A‖).
/// - Parameter a: (n, n), finite.
/// - Returns: `t` (n, n) upper triangular, `u` (n, n) unitary.
/// - Throws: `lapackFailure` if the QR iteration does not converge.
/// - Complexity: O(n³).
func complexSchur(_ a: Matrix) throws -> (t: ComplexMatrix, u: ComplexMatrix) {
    let n = a.rows
    var t = ComplexMatrix(a)                                    // (n, n), overwritten by T
    var u = ComplexMatrix(zeros: n, n)                          // (n, n)
    var w = [Complex<Double>](repeating: .zero, count: n)       // (n) eigenvalues (= diag T)
    var sorted: Int32 = 0
    let info = t.elements.withUnsafeMutableBufferPointer { pt in
        u.elements.withUnsafeMutableBufferPointer { pu in
            w.withUnsafeMutableBufferPointer { pw in
                pt.withMemoryRebound(to: _lapack_complex_double.self) { lt in
                    pu.withMemoryRebound(to: _lapack_complex_double.self) { lu in
                        pw.withMemoryRebound(to: _lapack_complex_double.self) { lw in
                            LAPACKE_zgees(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "N")), nil,
                                          Int32(n), lt.baseAddress, Int32(n), &sorted,
                                          lw.baseAddress, lu.baseAddress, Int32(n))
                        }
                    }
                }
            }
        }
    }
    guard info == 0 else { throw StateSpaceError.lapackFailure(routine: "zgees", info: Int(info)) }
    for i in 0..<n { for j in 0..<i { t[i, j] = .zero } }       // LAPACK leaves no junk, but be exact
    return (t, u)
}

/// e^A = U·e^T·U* for real A, from the complex Schur form, with e^T computed by
/// `complexTriangularExponential` (exact diagonal and superdiagonal at every squaring).
///
/// The result is real in exact arithmetic; its imaginary part is rounding (≈ ε‖e^A‖ per entry)
/// and is dropped. `imaginaryResidue` returns it, relative to max |e^A|, for tests.
/// - Parameter a: (n, n), finite, ‖A‖₁ finite.
/// - Returns: e^A (n, n) and the dropped max |Im| / max |Re| (0 when e^A = 0).
/// - Throws: `lapackFailure` (zgees), `singularMatrix` (Padé denominator; impossible in theory).
/// - Complexity: O(n³·(6 + s)), s = ⌈log₂(‖T‖₁/θ₁₃)⌉, plus the O(n³) Schur form.
func schurExponential(_ a: Matrix) throws -> (exponential: Matrix, imaginaryResidue: Double) {
    let (t, u) = try complexSchur(a)                            // (n, n), (n, n)
    let norm = complexOneNorm(t)
    let s = norm > padeTheta13 ? Int(ceil(log2(norm / padeTheta13))) : 0
    let et = try complexTriangularExponential(t, squarings: s)  // (n, n) = e^T
    let e = u * et * u.adjoint                                  // (n, n) = U e^T U*
    let realPart = e.real
    let largest = realPart.elements.reduce(0) { max($0, abs($1)) }
    return (realPart, largest > 0 ? e.maxAbsImaginary / largest : 0)
}

/// e^T for upper triangular complex T by scaling and squaring, with the diagonal and the
/// superdiagonal of every r ≈ e^{T/2ʲ} replaced by their exact values (Al-Mohy & Higham 2009,
/// §2; the complex form of `triangularExponential`).
/// - Parameters: `t` (n, n) upper triangular; `s` squarings with ‖T/2ˢ‖₁ ≤ θ₁₃.
/// - Returns: e^T, (n, n), upper triangular.
/// - Complexity: O(n³·(6 + s)).
func complexTriangularExponential(_ t: ComplexMatrix, squarings s: Int) throws -> ComplexMatrix {
    var r = try complexPadeApproximant13(t.scaled(by: powerOfTwo(-s)))  // (n, n) ≈ e^{T/2ˢ}
    setExactDiagonals(&r, of: t, scale: powerOfTwo(-s))
    for j in stride(from: s - 1, through: 0, by: -1) {
        r = r * r                                               // ≈ e^{T/2ʲ}
        setExactDiagonals(&r, of: t, scale: powerOfTwo(-j))
    }
    return r
}

/// Overwrites the diagonal of r with e^{c·t_ii} and the superdiagonal with c·t_i,i+1 ·
/// exp[c·t_ii, c·t_i+1,i+1], the (i, i+1) entry of the exponential of the 2×2 diagonal block.
/// Below the diagonal r is set to 0 (it is 0 in exact arithmetic).
/// - Complexity: O(n²).
func setExactDiagonals(_ r: inout ComplexMatrix, of t: ComplexMatrix, scale c: Double) {
    let n = t.rows
    for i in 0..<n {
        for j in 0..<i { r[i, j] = .zero }
        r[i, i] = .exp(times(c, t[i, i]))
    }
    for i in 0..<max(0, n - 1) {
        r[i, i + 1] = times(c, t[i, i + 1]) * expDividedDifference(times(c, t[i, i]), times(c, t[i + 1, i + 1]))
    }
}

/// The divided difference exp[a, b] = (eᵃ − eᵇ)/(a − b) (= eᵃ when a = b) for complex a, b.
///
/// With h the argument of larger real part and d = (the other) − h, so Re d ≤ 0:
///     exp[a, b] = eʰ · (e^d − 1)/d = eʰ · expm1(d)/d,
/// where |e^d| ≤ 1: no cancellation for small d (expm1) and no ∞·0 when the two exponentials
/// are far apart. If eʰ overflows while the product may not, it is formed as e^{h + log(expm1(d)/d)}.
/// - Complexity: O(1).
func expDividedDifference(_ a: Complex<Double>, _ b: Complex<Double>) -> Complex<Double> {
    let (h, other) = a.real >= b.real ? (a, b) : (b, a)
    let d = other - h
    let eh = Complex<Double>.exp(h)
    guard d != .zero else { return eh }
    let quotient = Complex<Double>.expMinusOne(d) / d
    return eh.isFinite ? eh * quotient : .exp(h + .log(quotient))
}

/// r₁₃(X) = (V − U)⁻¹(V + U) for complex X, as `padeApproximant13`. `x` (n, n) → (n, n).
/// - Throws: `singularMatrix` if q(X) is singular (impossible for ‖X‖₁ ≤ θ₁₃).
/// - Complexity: six complex GEMMs and one LU solve, O(n³).
func complexPadeApproximant13(_ x: ComplexMatrix) throws -> ComplexMatrix {
    let b = padeCoefficients13
    let i = ComplexMatrix.identity(x.rows)
    let x2 = x * x, x4 = x2 * x2, x6 = x4 * x2                 // (n, n) each
    let uInner = ComplexMatrix.combination([
        (1, x6 * .combination([(b[13], x6), (b[11], x4), (b[9], x2)])),
        (b[7], x6), (b[5], x4), (b[3], x2), (b[1], i),
    ])
    let u = x * uInner
    let v = ComplexMatrix.combination([
        (1, x6 * .combination([(b[12], x6), (b[10], x4), (b[8], x2)])),
        (b[6], x6), (b[4], x4), (b[2], x2), (b[0], i),
    ])
    return try solve(.combination([(1, v), (-1, u)]), .combination([(1, v), (1, u)]), name: "Padé denominator q(T/2ˢ)")
}

extension ComplexMatrix {
    /// Σₖ cₖ·Mₖ for real cₖ and same-shape Mₖ (at least one term). - Complexity: O(terms·rows·cols).
    static func combination(_ terms: [(Double, ComplexMatrix)]) -> ComplexMatrix {
        var sum = terms[0].1.scaled(by: terms[0].0)
        for (c, m) in terms.dropFirst() {
            for k in sum.elements.indices { sum.elements[k] += times(c, m.elements[k]) }
        }
        return sum
    }

    /// c·M. - Complexity: O(rows·cols).
    func scaled(by c: Double) -> ComplexMatrix {
        var m = self
        for k in m.elements.indices { m.elements[k] = times(c, m.elements[k]) }
        return m
    }

}

/// ‖M‖₁ = maxⱼ Σᵢ |m_ij| of a complex matrix. `m` (rows, cols). - Complexity: O(rows·cols).
func complexOneNorm(_ m: ComplexMatrix) -> Double {
    var sums = [Double](repeating: 0, count: m.cols)            // (cols)
    for i in 0..<m.rows { for j in 0..<m.cols { sums[j] += m[i, j].length } }
    return sums.max() ?? 0
}

/// c·z for real c, componentwise (exact when c is a power of two). - Complexity: O(1).
func times(_ c: Double, _ z: Complex<Double>) -> Complex<Double> { Complex(c * z.real, c * z.imaginary) }
