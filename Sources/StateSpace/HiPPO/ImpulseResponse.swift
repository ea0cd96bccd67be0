/// The continuous impulse response of c' = A c + B f, sampled: row k is e^{kΔA}·B, the state at
/// t = kΔ after a unit impulse at t = 0 — for a HiPPO memory, its basis functions as the state
/// sees them. One matrix exponential e^{ΔA}, then L matrix-vector products.
/// - Parameters: `a` (N, N), `b` (N), `step` Δ > 0, `length` L ≥ 1.
/// - Returns: (L, N).
/// - Throws: `notSquare`, `shapeMismatch`, `invalidParameter`, `nonFinite`.
/// - Complexity: O(N³ + L·N²).
public func hippoImpulseResponse(a: Matrix, b: [Double], step: Double, length: Int) throws -> Matrix {
    try requirePositive(step, "step Δ")
    let propagator = try matrixExponential(step * a)               // (N, N): e^{ΔA}
    let sampled = try DiscreteStateSpaceModel(aBar: propagator, bBar: b, c: [Double](repeating: 0, count: b.count),
                                              step: step, method: .zoh)
    return try sampled.stateKernel(length: length)
}
