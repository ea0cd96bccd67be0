import Foundation

/// The least-squares slope p of log y against log x: the observed order of a method whose
/// error behaves like C·xᵖ (x a step size), or the exponent of a cost C·xᵖ (x a length).
///
///     p = Σ(ξ − ξ̄)(η − η̄) / Σ(ξ − ξ̄)²,   ξ = log x, η = log y.
///
/// - Parameters: `x`, `y` (M), all > 0 and finite, M ≥ 2 with at least two distinct x.
/// - Throws: `shapeMismatch`, `invalidParameter` for non-positive values or too few points.
/// - Complexity: O(M).
public func logLogSlope(_ x: [Double], _ y: [Double]) throws -> Double {
    try requireCount(y.count, x.count, "y (one value per x)")
    guard x.count >= 2 else {
        throw StateSpaceError.invalidParameter(name: "number of points", value: "\(x.count)", allowed: "need at least 2 to fit a slope")
    }
    for (i, v) in (x + y).enumerated() where !(v.isFinite && v > 0) {
        throw StateSpaceError.invalidParameter(name: i < x.count ? "x[\(i)]" : "y[\(i - x.count)]", value: "\(v)",
                                               allowed: "must be finite and > 0 (a log-log fit)")
    }
    let lx = x.map(log), ly = y.map(log)
    let mx = lx.reduce(0, +) / Double(lx.count), my = ly.reduce(0, +) / Double(ly.count)
    let sxx = lx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
    guard sxx > 0 else {
        throw StateSpaceError.invalidParameter(name: "x", value: "\(x)", allowed: "needs at least two distinct values")
    }
    return zip(lx, ly).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
}
