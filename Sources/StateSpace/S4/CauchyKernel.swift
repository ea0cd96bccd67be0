import Numerics

/// The Cauchy kernel k(z_j) = Σ_n w_n / (z_j − λ_n), and with `conjugatePairs` each pole also
/// stands for its conjugate partner: k(z_j) = Σ_n [w_n/(z_j − λ_n) + w̄_n/(z_j − λ̄_n)].
///
/// This sum is the whole of S4's kernel computation: the resolvent (zI − Λ)⁻¹ of a diagonal
/// matrix, contracted with two vectors. Each term is formed with one real reciprocal
/// (1/(x+iy) = (x − iy)/(x² + y²)) rather than a general complex division.
/// - Parameters: `weights` w (M), `poles` λ (M), `points` z (J).
/// - Returns: (J).
/// - Throws: `shapeMismatch` unless weights and poles have the same length; `nonFinite`.
/// - Complexity: O(J·M) (the fast multipole algorithms that make it O((J + M) log²) are not
///   what anyone runs in practice at these sizes).
public func cauchyKernel(weights: [Complex<Double>], poles: [Complex<Double>], points: [Complex<Double>],
                         conjugatePairs: Bool) throws -> [Complex<Double>] {
    try requireCount(weights.count, poles.count, "weights (one per pole)")
    try requireFinite(weights, "weights")
    try requireFinite(poles, "poles")
    try requireFinite(points, "points")
    return points.map { z in
        var re = 0.0, im = 0.0
        for n in poles.indices {
            let w = weights[n], lambda = poles[n]
            accumulate(w.real, w.imaginary, z.real - lambda.real, z.imaginary - lambda.imaginary, &re, &im)
            if conjugatePairs {
                accumulate(w.real, -w.imaginary, z.real - lambda.real, z.imaginary + lambda.imaginary, &re, &im)
            }
        }
        return Complex(re, im)
    }
}

/// (re, im) += (wr + i·wi) / (dr + i·di).
@inline(__always)
func accumulate(_ wr: Double, _ wi: Double, _ dr: Double, _ di: Double, _ re: inout Double, _ im: inout Double) {
    let scale = 1 / (dr * dr + di * di)
    re += (wr * dr + wi * di) * scale
    im += (wi * dr - wr * di) * scale
}
