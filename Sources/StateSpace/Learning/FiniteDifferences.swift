/// How far a hand-derived gradient is from central finite differences.
///
/// Per array (a parameter, or the input): gap = max over compared entries |analytic − numeric|,
/// scale = max |numeric|. The relative error of an array is gap / max(scale, 10⁻³·S), S the
/// largest scale of all arrays compared together: norm-wise within the array, so one tiny
/// entry cannot blow it up, and an array whose whole gradient is below a thousandth of the
/// largest (a deep layer's Δ projection at initialisation, say) is judged against that
/// thousandth, where the difference quotient's own rounding (~10⁻¹³·|ℓ|) cannot dominate.
public struct GradientDiscrepancy: Sendable, CustomStringConvertible {
    /// (name, gap, scale, entries) per array compared.
    var arrays: [(name: String, gap: Double, scale: Double, entries: Int)] = []

    /// The largest relative error over the arrays (see the type's definition).
    public var relativeError: Double { worstArray.error }
    /// The array where `relativeError` is reached ("input", "layers.0.mixer.A_log", …).
    public var worst: String { worstArray.name }
    /// How many scalar entries were compared.
    public var entries: Int { arrays.reduce(0) { $0 + $1.entries } }

    var worstArray: (name: String, error: Double) {
        // Nothing compared proves nothing: ∞, so that a check built on it fails.
        guard entries > 0 else { return ("no entries compared", .infinity) }
        let floor = 1e-3 * (arrays.map(\.scale).max() ?? 0)
        var result = (name: "-", error: 0.0)
        for array in arrays {
            let denominator = max(array.scale, floor)
            // An all-zero gradient (nothing reaches the array) is compared absolutely; a NaN
            // anywhere (in the analytic gradient or the loss) is an infinite error, never 0.
            let error = denominator > 0 ? array.gap / denominator : array.gap
            if error.isNaN || !floor.isFinite { return (array.name, .infinity) }
            if error >= result.error { result = (array.name, error) }
        }
        return result
    }

    public var description: String { "rel err \(relativeError) (worst: \(worst), \(entries) entries)" }

    /// No entries compared yet: the start of a `combined(with:)` fold.
    public static let none = GradientDiscrepancy()

    /// Folds one array's comparison in.
    mutating func merge(_ name: String, analytic: [Double], numeric: [Double]) {
        // `max` skips NaN, so NaN is carried explicitly: it makes the array's error ∞.
        let gaps = zip(analytic, numeric).map { abs($0 - $1) }
        let gap = gaps.contains { $0.isNaN } ? .nan : gaps.max() ?? 0
        let scales = numeric.map(abs)
        arrays.append((name, gap, scales.contains { $0.isNaN } ? .nan : scales.max() ?? 0, numeric.count))
    }

    /// Both comparisons' arrays, judged together.
    public func combined(with other: GradientDiscrepancy) -> GradientDiscrepancy {
        var both = self
        both.arrays += other.arrays
        return both
    }
}

/// The derivative of a scalar function by central differences, fourth order:
///
///     f'(θ) ≈ (−f(θ + 2h) + 8f(θ + h) − 8f(θ − h) + f(θ − 2h)) / 12h,    h = step·max(1, |θ|)
///
/// Error: truncation h⁴·|f⁽⁵⁾|/30 plus rounding ≈ 1.5·ε·|f|/h (ε = 2.2e-16). At the default
/// step 1e-3 both are ~1e-13 for |f|, |f⁽⁵⁾| of order 1: a gradient entry as small as 1e-6 is
/// still resolved to ~1e-7 of itself, so the 1e-6 relative limit of the chapters and tests
/// judges the derivation, not the quotient. (The two-point quotient (f(θ+h) − f(θ−h))/2h has
/// error h² + ε/h, at best ~1e-11 absolute: too coarse for the small gradients of deep layers.)
/// - Throws: `invalidParameter` for a non-finite θ or a step that is not finite and > 0; what
///   `f` throws.
/// - Complexity: four evaluations of f.
@inline(__always)
public func centralDifference(at theta: Double, step: Double = 1e-3, _ f: (Double) throws -> Double) throws -> Double {
    guard theta.isFinite else { throw StateSpaceError.invalidParameter(name: "central difference point θ", value: "\(theta)", allowed: "must be finite") }
    try requirePositive(step, "central difference step")
    let h = step * max(1, abs(theta))
    let near = try f(theta + h) - f(theta - h), far = try f(theta + 2 * h) - f(theta - 2 * h)
    return (8 * near - far) / (12 * h)
}

/// Compares the gradient a backward pass accumulated in `model`'s parameters with central
/// differences of `loss`, on up to `samples` entries of each parameter (chosen with `rng`;
/// every entry when the parameter is smaller).
///
/// `model` must hold the analytic gradient of `loss` (run forward + backward on it first, from
/// zeroed gradients); `loss(m)` recomputes the loss of a perturbed copy `m`.
/// - Throws: `invalidParameter` for samples < 1; what `loss` throws.
/// - Complexity: 4·(entries compared) evaluations of `loss`.
public func compareParameterGradients<M: Trainable>(_ model: M, samples: Int = 8, step: Double = 1e-3,
                                                    rng: inout SplitMix64,
                                                    loss: (M) throws -> Double) throws -> GradientDiscrepancy {
    try requirePositive(samples, "samples per parameter")
    var result = GradientDiscrepancy.none
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
/// `samples` entries.
/// - Throws: `invalidParameter` for samples < 1; `shapeMismatch` for an analytic gradient not
///   shaped like the input; what `loss` throws.
/// - Complexity: 4·(entries compared) evaluations of `loss`.
public func compareInputGradient(_ input: Matrix, analytic: Matrix, name: String = "input", samples: Int = 16,
                                 step: Double = 1e-3, rng: inout SplitMix64,
                                 loss: (Matrix) throws -> Double) throws -> GradientDiscrepancy {
    try requirePositive(samples, "samples")
    try requireDimensions(analytic, input.rows, input.cols, "analytic gradient of \(name) (shaped like the input)")
    var result = GradientDiscrepancy.none
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

/// Checks a layer's backward pass against central differences on a random input: x (rows,
/// width) and G (shaped like the output) standard Gaussian from `rng`, the loss ℓ = Σ G ⊙ y
/// (so ∂ℓ/∂y = G), and both ∂ℓ/∂θ (up to `samples` entries of every parameter) and ∂ℓ/∂x (up to
/// 2·`samples` entries) compared. `forward(layer, x)` is y; `backward(&layer, x, G)` must add
/// ∂ℓ/∂θ to the layer's gradients and return ∂ℓ/∂x.
/// - Throws: `invalidParameter` for rows, width or samples < 1; what the closures throw.
/// - Complexity: one backward, plus 4·(entries compared) forwards.
public func compareLayerGradients<M: Trainable>(_ layer: M, rows: Int, width: Int, samples: Int = 8, step: Double = 1e-3,
                                                rng: inout SplitMix64, forward: (M, Matrix) throws -> Matrix,
                                                backward: (inout M, Matrix, Matrix) throws -> Matrix) throws -> GradientDiscrepancy {
    try requirePositive(rows, "rows")
    try requirePositive(width, "width")
    let x = try Matrix(rows: rows, cols: width, elements: (0..<rows * width).map { _ in rng.nextGaussian() })   // (rows, width)
    let y = try forward(layer, x)
    let g = Matrix(unchecked: y.rows, y.cols, (0..<y.elements.count).map { _ in rng.nextGaussian() })       // shaped like y
    func loss(_ m: M, _ input: Matrix) throws -> Double { zip(try forward(m, input).elements, g.elements).reduce(0) { $0 + $1.0 * $1.1 } }
    var analytic = layer
    analytic.zeroGradients()
    let dx = try backward(&analytic, x, g)
    let parameters = try compareParameterGradients(analytic, samples: samples, step: step, rng: &rng) { try loss($0, x) }
    let input = try compareInputGradient(x, analytic: dx, name: "input", samples: 2 * samples, step: step, rng: &rng) { try loss(layer, $0) }
    return parameters.combined(with: input)
}

/// `compareLayerGradients` for a mixer on `batch` random sequences of `length` tokens (the
/// backward runs from the tape of a fresh forward).
/// - Parameters: `step` the quotient's relative step (smaller for a parameter the loss varies fast in).
/// - Throws: `invalidParameter` for batch or length < 1; what the mixer's forward or backward throws.
/// - Complexity: one backward, plus 4·(entries compared) forwards.
public func compareMixerGradients<M: SequenceMixer>(_ mixer: M, batch: Int, length: Int, samples: Int = 6,
                                                    step: Double = 1e-3, rng: inout SplitMix64) throws -> GradientDiscrepancy {
    try requirePositive(batch, "batch B")
    try requirePositive(length, "sequence length L")
    return try compareLayerGradients(mixer, rows: try checkedProduct(batch, length, "B·L"), width: mixer.width, samples: samples,
                                     step: step, rng: &rng, forward: { try $0.forward($1, length: length).output },
                                     backward: { m, x, g in try m.backward(try m.forward(x, length: length).tape, outputGradient: g) })
}
