import Foundation

// The function families a HiPPO state is a set of coefficients for. Each returns a matrix
// G (P, N) with G[p, n] = g_n(x_p), so a reconstruction is one product f̂ = G·c. The public
// functions check their points; `HiPPOMeasure.basis` maps times to points itself and calls the
// unchecked evaluations below.

/// Orthonormal Legendre polynomials on [−1, 1] for the measure dx/2: g_n(x) = √(2n+1)·P_n(x),
/// with P_n from Bonnet's recurrence (n+1)P_{n+1} = (2n+1)x P_n − n P_{n−1} (stable on
/// [−1, 1], where |P_n| ≤ 1; outside it P_n grows like |x|ⁿ, so such points are refused).
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `x` (P), P ≥ 1, each in [−1, 1] (points off by
///   rounding, within 1e-12, are clamped).
/// - Returns: (P, N).
/// - Throws: `invalidParameter` (N out of range, P = 0, a point outside [−1, 1]), `nonFinite`.
/// - Complexity: O(P·N).
public func legendreBasis(stateSize n: Int, at x: [Double]) throws -> Matrix {
    try requireHiPPOStateSize(n)
    let points = try requireBasisPoints(x, in: -1...1, "x", "the Legendre basis lives there")  // (P)
    _ = try requireResultSize(rows: x.count, cols: n, "number of points P", value: x.count)
    return legendreValues(stateSize: n, at: points)
}

/// Laguerre functions ℓ_n(a) = L_n(a)·e^{−a/2}, orthonormal on [0, ∞) for da, with L_n from
/// (n+1)L_{n+1} = (2n+1−a)L_n − n L_{n−1}. |ℓ_n(a)| ≤ 1, but L_n alone overflows for large a
/// (and e^{−a/2} underflows), so the recurrence carries a power-of-two scale and e^{−a/2} is
/// applied last, in the exponent: any finite age gives a finite value.
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `age` (P), P ≥ 1, each finite and ≥ 0 (ages
///   below 0 by rounding, within 1e-12, are clamped).
/// - Returns: (P, N).
/// - Throws: `invalidParameter` (N out of range, P = 0, a negative age), `nonFinite`.
/// - Complexity: O(P·N).
public func laguerreFunctions(stateSize n: Int, at age: [Double]) throws -> Matrix {
    try requireHiPPOStateSize(n)
    let ages = try requireBasisPoints(age, in: 0...Double.greatestFiniteMagnitude, "age",
                                      "the Laguerre functions live on [0, ∞)")  // (P)
    _ = try requireResultSize(rows: age.count, cols: n, "number of points P", value: age.count)
    return laguerreValues(stateSize: n, at: ages)
}

/// The Fourier basis of [0, 1], orthonormal for dx: g_0 = 1, g_{2k−1} = √2 cos 2πkx,
/// g_{2k} = √2 sin 2πkx.
/// - Parameters: `stateSize` N, 1 ≤ N ≤ 2¹⁴; `x` (P), P ≥ 1, each in [0, 1] (points off by
///   rounding, within 1e-12, are clamped).
/// - Returns: (P, N).
/// - Throws: `invalidParameter` (N out of range, P = 0, a point outside [0, 1]), `nonFinite`.
/// - Complexity: O(P·N).
public func fourierBasis(stateSize n: Int, at x: [Double]) throws -> Matrix {
    try requireHiPPOStateSize(n)
    let points = try requireBasisPoints(x, in: 0...1, "x", "the FouT window, as a fraction")  // (P)
    _ = try requireResultSize(rows: x.count, cols: n, "number of points P", value: x.count)
    return fourierValues(stateSize: n, at: points)
}

/// g_n(x_p) = √(2n+1)·P_n(x_p), x_p ∈ [−1, 1] already checked. (P) → (P, N).
func legendreValues(stateSize n: Int, at x: [Double]) -> Matrix {
    var g = Matrix(zeros: x.count, n)                               // (P, N)
    for (p, xp) in x.enumerated() {
        var previous = 0.0, current = 1.0                           // P_{−1}, P_0
        for degree in 0..<n {
            g[p, degree] = (2 * Double(degree) + 1).squareRoot() * current
            let next = ((2 * Double(degree) + 1) * xp * current - Double(degree) * previous) / Double(degree + 1)
            previous = current
            current = next
        }
    }
    return g
}

/// ℓ_n(a_p), a_p ≥ 0 finite already checked. (P) → (P, N).
///
/// L_k(a) = current·2^scale. A step multiplies by at most (a + 2k + 1)/(k + 1) and adds at most
/// |L_{k−1}|, so whenever max(|L_{k−1}|, |L_k|)·(a + 2k + 3) passes 2⁶⁰⁰ both are divided by a
/// power of two (exactly) into [½, 1): the next step then stays finite for every finite a.
/// (For moderate ages this never triggers, and ℓ_k = L_k·e^{−a/2} as written.) Last,
/// ℓ_k = current·e^{scale·ln 2 − a/2}, which is finite because |ℓ_k| ≤ 1.
func laguerreValues(stateSize n: Int, at age: [Double]) -> Matrix {
    var g = Matrix(zeros: age.count, n)                             // (P, N)
    for (p, a) in age.enumerated() {
        var previous = 0.0, current = 1.0, scale = 0                // L_{−1}, L_0, and their 2^scale
        for degree in 0..<n {
            g[p, degree] = current * exp(Double(scale) * M_LN2 - a / 2)
            let k = Double(degree)
            let next = ((2 * k + 1 - a) * current - k * previous) / (k + 1)
            previous = current
            current = next
            let largest = max(abs(previous), abs(current))
            if largest * (a + 2 * k + 5) > 0x1p600 {
                let shift = Int(largest.exponent) + 1
                let factor = Double(sign: .plus, exponent: -shift, significand: 1)    // 2^−shift, exact
                previous *= factor
                current *= factor
                scale += shift
            }
        }
    }
    return g
}

/// g_n(x_p) of the Fourier basis, x_p ∈ [0, 1] already checked. (P) → (P, N).
func fourierValues(stateSize n: Int, at x: [Double]) -> Matrix {
    var g = Matrix(zeros: x.count, n)                               // (P, N)
    let root2 = 2.0.squareRoot()
    for (p, xp) in x.enumerated() {
        for i in 0..<n {
            let k = Double((i + 1) / 2)
            g[p, i] = i == 0 ? 1 : (i % 2 == 1 ? root2 * cos(2 * .pi * k * xp) : root2 * sin(2 * .pi * k * xp))
        }
    }
    return g
}
