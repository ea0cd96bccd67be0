import Course

extension Student {
    /// **Exercise 07.1 — the backward pass of a scalar linear recurrence.**
    ///
    /// Task: one channel of any diagonal SSM (an S4D mode, one (d, n) pair of Mamba's scan) is
    ///
    ///     h_t = a_t·h_{t−1} + b_t·x_t,     y_t = c_t·h_t,      h_{−1} = h₀,   t = 0 … L−1.
    ///
    /// Given g_t = ∂ℓ/∂y_t, return the gradient of ℓ with respect to every input. Run the forward
    /// pass first (you need the states h_t), then one pass backwards in time with the adjoint
    /// λ_t = ∂ℓ/∂h_t — the *total* derivative: h_t reaches ℓ through y_t and through h_{t+1}, so
    ///
    ///     λ_{L−1} = c_{L−1}·g_{L−1},      λ_t = a_{t+1}·λ_{t+1} + c_t·g_t     (t = L−2 … 0)
    ///
    /// (the same recurrence run in reverse time; mind which decay multiplies λ_{t+1}). Then each
    /// gradient is local:
    ///
    ///     ∂ℓ/∂x_t = b_t·λ_t,   ∂ℓ/∂b_t = x_t·λ_t,   ∂ℓ/∂a_t = h_{t−1}·λ_t (h_{−1} = h₀),
    ///     ∂ℓ/∂c_t = g_t·h_t,   ∂ℓ/∂h₀ = a_0·λ_0.
    ///
    /// Chapter 07, cell 1, derives this; a check by central differences of ℓ = Σ g_t·y_t is a
    /// good way to test your own answer before grading it.
    /// - Parameters: `a`, `b`, `c`, `x`, `g` (L ≥ 1 each), `initial` h₀.
    /// - Returns: ∂ℓ/∂x, ∂ℓ/∂a, ∂ℓ/∂b, ∂ℓ/∂c (L each) and ∂ℓ/∂h₀.
    /// - Graded against: `ScalarRecurrence.backward`, relative error ≤ 1e-12 (of the largest entry).
    public static func recurrenceBackward(a: [Double], b: [Double], c: [Double], x: [Double], initial: Double,
                                          outputGradient g: [Double]) throws
        -> (x: [Double], a: [Double], b: [Double], c: [Double], initial: Double)
    {
        throw NotImplemented("07.1")
    }
}
