import Foundation

/// Gauss–Legendre quadrature on [−1, 1]: nodes x_j and weights w_j with Σ_j w_j p(x_j) = ∫₋₁¹ p(x) dx
/// exactly for every polynomial p of degree ≤ 2m − 1 (m nodes), and with an error that falls
/// faster than any power of 1/m for a smooth integrand.
///
/// Each node is a root of P_m, found by Newton's method from the asymptotic guess
/// cos(π(j + ¾)/(m + ½)) (Tricomi's, close enough that Newton converges to the j-th root);
/// w_j = 2 / ((1 − x_j²)·P_m'(x_j)²). P_m and P_m' come from Bonnet's recurrence
/// (`legendrePolynomialAndDerivative`). The nodes are in decreasing order.
/// Accuracy: nodes to ≈ 1 ulp; the weights sum to 2 within ≈ m·ε.
/// - Parameter m: number of nodes, 1 ≤ m ≤ 2¹⁶.
/// - Returns: nodes (m) and weights (m).
/// - Throws: `invalidParameter` for m outside 1…2¹⁶.
/// - Complexity: O(m²) (m Newton solves of O(m) each, a few iterations apiece).
public func gaussLegendre(points m: Int) throws -> (nodes: [Double], weights: [Double]) {
    try requirePositive(m, "number of quadrature points m")
    guard m <= 1 << 16 else {
        throw StateSpaceError.invalidParameter(name: "number of quadrature points m", value: "\(m)", allowed: "must be ≤ 2^16 = 65536")
    }
    if m == 1 { return ([0], [2]) }
    var nodes: [Double] = [], weights: [Double] = []                // (m), (m)
    nodes.reserveCapacity(m)
    weights.reserveCapacity(m)
    for j in 0..<m {
        var x = cos(Double.pi * (Double(j) + 0.75) / (Double(m) + 0.5))
        for _ in 0..<30 {
            let (p, dp) = legendrePolynomialAndDerivative(degree: m, at: x)
            let dx = p / dp
            x -= dx
            if abs(dx) <= 2 * Double.ulpOfOne * max(abs(x), 1e-3) { break }
        }
        let dp = legendrePolynomialAndDerivative(degree: m, at: x).derivative
        nodes.append(x)
        weights.append(2 / ((1 - x * x) * dp * dp))
    }
    return (nodes, weights)
}

/// ∫ₐᵇ f(s) ds ≈ Σ_j w_j·(b − a)/2·f(s_j) with the Gauss–Legendre rule mapped to [a, b]:
/// the mapped nodes s_j and weights.
/// - Parameters: `rule` from `gaussLegendre(points:)`; `interval` [a, b], finite.
/// - Returns: nodes (m) and weights (m) on [a, b].
/// - Complexity: O(m).
public func gaussLegendre(_ rule: (nodes: [Double], weights: [Double]), on interval: ClosedRange<Double>)
    -> (nodes: [Double], weights: [Double]) {
    let (low, high) = (interval.lowerBound, interval.upperBound)
    let half = (high - low) / 2
    return (rule.nodes.map { low + half * ($0 + 1) }, rule.weights.map { $0 * half })
}

/// P_m(x) and P_m'(x), the Legendre polynomial of degree m and its derivative, by Bonnet's
/// recurrence (k+1)P_{k+1} = (2k+1)x P_k − k P_{k−1} and P_m' = m(x P_m − P_{m−1})/(x² − 1)
/// (for |x| < 1; at x = ±1, P_m' = (±1)^{m−1}·m(m+1)/2).
/// - Parameters: `degree` m ≥ 0; `x` finite, in [−1, 1] for the stated accuracy (outside, P_m
///   grows like |x|^m).
/// - Complexity: O(m).
public func legendrePolynomialAndDerivative(degree m: Int, at x: Double) -> (value: Double, derivative: Double) {
    if m == 0 { return (1, 0) }
    var previous = 1.0, current = x                                 // P_0, P_1
    for k in stride(from: 1, to: m, by: 1) {
        (previous, current) = (current, ((2 * Double(k) + 1) * x * current - Double(k) * previous) / Double(k + 1))
    }
    if abs(x) == 1 {
        let sign: Double = (x > 0 || m % 2 == 1) ? 1 : -1          // (±1)^{m−1}
        return (current, sign * Double(m) * Double(m + 1) / 2)
    }
    return (current, Double(m) * (x * current - previous) / (x * x - 1))
}
