/// The continuous impulse response of c' = A c + B f, sampled: row k is e^{kΔA}·B, the state at
/// t = kΔ after a unit impulse at t = 0 — for a HiPPO memory, its basis functions as the state
/// sees them. One matrix exponential e^{ΔA}, then L matrix-vector products.
/// - Parameters: `a` (N, N), `b` (N), finite; `step` Δ > 0 with ΔA and e^{ΔA} finite;
///   `length` L ≥ 1 with L·N ≤ 2³⁰.
/// - Returns: (L, N).
/// - Throws: `notSquare`, `shapeMismatch`, `invalidParameter` (N = 0; Δ ≤ 0, not finite or so
///   large that ΔA or e^{ΔA} overflows; L out of range), `nonFinite`, `unstable` (an A whose
///   e^{kΔA}B overflows within L steps).
/// - Complexity: O(N³ + L·N²).
public func hippoImpulseResponse(a: Matrix, b: [Double], step: Double, length: Int) throws -> Matrix {
    let model = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: b.count))  // checks A and B
    try requirePositive(step, "step Δ")
    try requirePositive(length, "length L")
    _ = try requireResultSize(rows: length, cols: model.stateSize, "length L", value: length)
    let scaled = step * a                                          // (N, N): ΔA
    let propagator = try matrixExponential(try requireFiniteStep(scaled, step, "ΔA"))  // (N, N): e^{ΔA}
    let sampled = try DiscreteStateSpaceModel(aBar: try requireFiniteStep(propagator, step, "e^{ΔA}"), bBar: b,
                                              c: model.c, step: step, method: .zoh)
    return try sampled.stateKernel(length: length)
}

/// The same samples, stepped with a given one-step propagator P (for a HiPPO memory e^{ΔA}):
/// row k is P^k·B. Lets a caller choose how e^{ΔA} is computed (or see what a wrong one does).
/// - Parameters: `propagator` P (N, N), `b` (N), finite; `length` L ≥ 1 with L·N ≤ 2³⁰.
/// - Returns: (L, N).
/// - Throws: `notSquare`, `shapeMismatch`, `invalidParameter` (N = 0, L out of range),
///   `nonFinite`, `unstable` (P^k B overflows within L steps).
/// - Complexity: O(L·N²).
public func hippoImpulseResponse(propagator: Matrix, b: [Double], length: Int) throws -> Matrix {
    try requirePositive(length, "length L")
    _ = try requireResultSize(rows: length, cols: b.count, "length L", value: length)
    let sampled = try DiscreteStateSpaceModel(aBar: propagator, bBar: b, c: [Double](repeating: 0, count: b.count),
                                              step: 1, method: .zoh)
    return try sampled.stateKernel(length: length)
}

/// `m` unchanged if finite; otherwise the step Δ that produced it was too large.
private func requireFiniteStep(_ m: Matrix, _ step: Double, _ name: String) throws -> Matrix {
    guard m.elements.allSatisfy(\.isFinite) else {
        throw StateSpaceError.invalidParameter(name: "step Δ", value: "\(step)", allowed: "too large: \(name) overflows")
    }
    return m
}
