/// Chapter 07 — Learning: gradients through a scan. Task, math and shapes: Exercises/Chapter07/…; row-major.
public protocol Chapter07Exercises {
    /// 07.1, `RecurrenceBackward.swift`: the backward pass of h_t = a_t·h_{t−1} + b_t·x_t, y_t = c_t·h_t, h_{−1} = h₀.
    /// a, b, c, x, g = ∂ℓ/∂y (L each), h₀ → ∂ℓ/∂x, ∂ℓ/∂a, ∂ℓ/∂b, ∂ℓ/∂c (L each) and ∂ℓ/∂h₀.
    static func recurrenceBackward(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double, outputGradient g: [Double])
        throws -> (x: [Double], a: [Double], b: [Double], c: [Double], initial: Double)
    /// 07.2, `RMSNormBackward.swift`: RMSNorm's backward, y_j = g_j·x_j·r per row, r = 1/√(mean x² + ε).
    /// x, ∂ℓ/∂y (rows·d), gain g (d) → ∂ℓ/∂x (rows·d), ∂ℓ/∂g (d).
    static func rmsNormBackward(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws
        -> (x: [Double], gain: [Double])
    /// 07.3, `AdamWStep.swift`: one AdamW update (decoupled decay, bias-corrected moments) at step t ≥ 1.
    /// θ, g, m, v (n each) → the new θ, m, v (n each).
    static func adamWStep(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                          step t: Int, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)
        throws -> (parameter: [Double], firstMoment: [Double], secondMoment: [Double])
}
