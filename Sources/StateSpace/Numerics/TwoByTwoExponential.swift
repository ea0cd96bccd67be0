import Foundation

/// e^A of a real 2×2 matrix in closed form, for every kind of eigenvalue pair — complex,
/// real and distinct, or repeated (a Jordan block) — with no eigenvectors and no Padé
/// approximant: a third route to e^A, beside `matrixExponential` and `diagonalizedExponential`,
/// that does not need A to be diagonalisable.
///
/// With μ = tr(A)/2 and δ = μ² − det(A) (so the eigenvalues are μ ± √δ), Cayley–Hamilton gives
/// (A − μI)² = δ·I, hence
///
///     e^A = e^μ · [ c(δ)·I + s(δ)·(A − μI) ],
///     c(δ) = Σⱼ δʲ/(2j)!     = cosh √δ   (δ > 0),  cos √−δ         (δ < 0),  1 (δ = 0)
///     s(δ) = Σⱼ δʲ/(2j+1)!   = sinh √δ/√δ (δ > 0), sin √−δ/√−δ     (δ < 0),  1 (δ = 0).
///
/// For |δ| ≤ 1 the two series are summed (20 terms: the first omitted term is below
/// ε·10⁻⁴⁰), so a repeated or nearly repeated eigenvalue (a critically damped spring) needs no
/// special case and no division by a small √δ.
/// Accuracy: δ = μ² − det cancels when the eigenvalues nearly coincide; its absolute error is
/// ≈ ε·(μ² + |det|), which moves c and s by about as much. For ‖A‖ of order 1 (ΔA of a sampled
/// system) the result is accurate to a few ε relative to ‖e^A‖.
/// - Parameter a: (2, 2), finite, with |√δ| ≤ 700 and |μ| ≤ 700 (so cosh, sinh and e^μ stay finite).
/// - Returns: (2, 2).
/// - Throws: `invalidParameter` for a matrix that is not 2×2, has a non-finite entry, or
///   whose |μ| or √|δ| exceeds 700.
/// - Complexity: O(1).
public func twoByTwoExponential(_ a: Matrix, name: String = "A") throws -> Matrix {
    guard a.rows == 2, a.cols == 2 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(a.rows)×\(a.cols)", allowed: "must be 2×2")
    }
    try requireFinite(a.elements, name)
    let mu = (a[0, 0] + a[1, 1]) / 2
    let delta = mu * mu - (a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0])
    guard abs(mu) <= 700, abs(delta).squareRoot() <= 700 else {
        throw StateSpaceError.invalidParameter(
            name: name, value: "tr/2 = \(mu), δ = \(delta)",
            allowed: "|tr(\(name))/2| and √|δ| (half the eigenvalues' spread) must be ≤ 700, or e^\(name) overflows")
    }
    let (c, s) = coshAndSinhc(delta)
    let scale = exp(mu)
    return try Matrix([
        [scale * (c + s * (a[0, 0] - mu)), scale * s * a[0, 1]],
        [scale * s * a[1, 0], scale * (c + s * (a[1, 1] - mu))],
    ])
}

/// (c, s) = (cosh √δ, sinh √δ / √δ), continued to δ ≤ 0 as (cos √−δ, sin √−δ / √−δ):
/// the two even power series of the 2×2 exponential, summed directly for |δ| ≤ 1.
private func coshAndSinhc(_ delta: Double) -> (Double, Double) {
    if delta > 1 {
        let r = delta.squareRoot()
        return (cosh(r), sinh(r) / r)
    }
    if delta < -1 {
        let r = (-delta).squareRoot()
        return (cos(r), sin(r) / r)
    }
    var c = 0.0, s = 0.0, term = 1.0                          // term = δʲ/(2j)!
    for j in 0..<20 {
        c += term
        let odd = term / Double(2 * j + 1)                     // δʲ/(2j+1)!
        s += odd
        term = odd * delta / Double(2 * j + 2)                 // δʲ⁺¹/(2j+2)!
    }
    return (c, s)
}
