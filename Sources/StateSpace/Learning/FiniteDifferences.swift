/// How far a hand-derived gradient is from central finite differences.
public struct GradientDiscrepancy: Sendable, CustomStringConvertible {
    /// max over compared entries |analytic − numeric| / max over them |numeric| (per array,
    /// then the worst array): a norm-wise relative error, so a tiny entry cannot blow it up.
    public var relativeError: Double
    /// The array where `relativeError` was reached ("x", "layers.0.A_log", …).
    public var worst: String
    /// How many scalar entries were compared.
    public var entries: Int

    public var description: String { "rel err \(relativeError) (worst: \(worst), \(entries) entries)" }
}

/// Central differences of a scalar function: (f(θ + h) − f(θ − h)) / 2h, with h = step·max(1, |θ|).
///
/// Error: truncation h²·|f'''|/6 plus rounding ≈ ε·|f|/h (ε = 2.2e-16). At the default
/// step 1e-5 both are ~1e-10 relative to a gradient of order |f| — four orders of magnitude
/// below the 1e-6 the chapters and tests ask for, which leaves room for curvature.
/// - Complexity: two evaluations of f.
@inline(__always)
public func centralDifference(at theta: Double, step: Double = 1e-5, _ f: (Double) throws -> Double) rethrows -> Double {
    let h = step * max(1, abs(theta))
    return (try f(theta + h) - f(theta - h)) / (2 * h)
}

/// Compares the gradient a backward pass accumulated in `model`'s parameters with central
/// differences of `loss`, on up to `samples` entries of each parameter (chosen with `rng`;
/// every entry when the parameter is smaller).
///
/// `model` must hold the analytic gradient of `loss` (run forward + backward on it first, from
/// zeroed gradients); `loss(m)` recomputes the loss of a perturbed copy `m`.
/// - Complexity: 2·(entries compared) evaluations of `loss`.
public func compareParameterGradients<M: Trainable>(_ model: M, samples: Int = 8, step: Double = 1e-5,
                                                    rng: inout SplitMix64,
                                                    loss: (M) throws -> Double) rethrows -> GradientDiscrepancy {
    var result = GradientDiscrepancy(relativeError: 0, worst: "-", entries: 0)
    let parameters = model.parameters
    for (index, parameter) in parameters.enumerated() {
        let count = parameter.value.elements.count
        let picks = count <= samples ? Array(0..<count) : (0..<samples).map { _ in Int(rng.next() % UInt64(count)) }
        var numeric: [Double] = [], analytic: [Double] = []
        for entry in picks {
            let theta = parameter.value.elements[entry]
            numeric.append(try centralDifference(at: theta, step: step) { value in
                var copy = model, position = 0
                copy.forEachParameter { p in
                    if position == index { p.value.elements[entry] = value }
                    position += 1
                }
                return try loss(copy)
            })
            analytic.append(parameter.gradient.elements[entry])
        }
        result.merge(parameter.name, analytic: analytic, numeric: numeric)
    }
    return result
}

/// Compares `analytic` = ∂loss/∂input with central differences of `loss` at `input`, on up to
/// `samples` entries. - Complexity: 2·(entries compared) evaluations of `loss`.
public func compareInputGradient(_ input: Matrix, analytic: Matrix, name: String = "input", samples: Int = 16,
                                 step: Double = 1e-5, rng: inout SplitMix64,
                                 loss: (Matrix) throws -> Double) rethrows -> GradientDiscrepancy {
    var result = GradientDiscrepancy(relativeError: 0, worst: "-", entries: 0)
    let count = input.elements.count
    let picks = count <= samples ? Array(0..<count) : (0..<samples).map { _ in Int(rng.next() % UInt64(count)) }
    var numeric: [Double] = [], exact: [Double] = []
    for entry in picks {
        numeric.append(try centralDifference(at: input.elements[entry], step: step) { value in
            var copy = input
            copy.elements[entry] = value
            return try loss(copy)
        })
        exact.append(analytic.elements[entry])
    }
    result.merge(name, analytic: exact, numeric: numeric)
    return result
}

extension GradientDiscrepancy {
    /// Folds one array's comparison in, keeping the worst relative error.
    mutating func merge(_ name: String, analytic: [Double], numeric: [Double]) {
        entries += numeric.count
        let scale = numeric.map(abs).max() ?? 0
        let gap = zip(analytic, numeric).map { abs($0 - $1) }.max() ?? 0
        // An all-zero gradient (a parameter the loss does not reach) is compared absolutely.
        let error = scale > 0 ? gap / scale : gap
        if error >= relativeError { (relativeError, worst) = (error, name) }
    }

    /// The worse of two discrepancies, with their entries added.
    public func combined(with other: GradientDiscrepancy) -> GradientDiscrepancy {
        let worse = other.relativeError > relativeError ? other : self
        return GradientDiscrepancy(relativeError: worse.relativeError, worst: worse.worst, entries: entries + other.entries)
    }
}
