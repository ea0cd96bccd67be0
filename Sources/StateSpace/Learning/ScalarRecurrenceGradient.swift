/// One channel of a diagonal linear recurrence — the smallest model of every scan in this book
/// (S4D's modes, Mamba's (d, n) pairs, Mamba-2's heads are all copies of it):
///
///     h_t = a_t·h_{t−1} + b_t·x_t,     y_t = c_t·h_t,      h_{−1} = h₀,   t = 0 … L−1
///
/// and its backward pass, derived by hand. Let g_t = ∂ℓ/∂y_t and λ_t = ∂ℓ/∂h_t, the *total*
/// derivative through every later step (the adjoint). h_t reaches ℓ through y_t and through
/// h_{t+1} = a_{t+1}h_t + …, so
///
///     λ_{L−1} = c_{L−1}·g_{L−1},      λ_t = a_{t+1}·λ_{t+1} + c_t·g_t        (t = L−2 … 0)
///
/// — the same recurrence as the forward one, run in reverse time, with the decays shifted by
/// one step and c_t·g_t as its input. Every parameter's gradient is then local:
///
///     ∂ℓ/∂x_t = b_t·λ_t,   ∂ℓ/∂b_t = x_t·λ_t,   ∂ℓ/∂a_t = h_{t−1}·λ_t,   ∂ℓ/∂c_t = g_t·h_t,
///     ∂ℓ/∂h₀  = a_0·λ_0.
///
/// ∂ℓ/∂a_t needs h_{t−1}: the backward pass needs the forward states, either stored (L numbers
/// here, L·D·N in Mamba) or recomputed — the subject of Chapter 07's memory cells.
public struct ScalarRecurrence: Sendable {
    public var a: [Double]                                            // (L) decays
    public var b: [Double]                                            // (L) input weights
    public var c: [Double]                                            // (L) read-outs
    public var initial: Double                                        // h₀

    public var length: Int { a.count }

    /// - Throws: `shapeMismatch` unless a, b, c have one length L ≥ 1; `nonFinite` for NaN/∞.
    public init(a: [Double], b: [Double], c: [Double], initial: Double = 0) throws {
        try requirePositive(a.count, "sequence length L (entries of a)")
        try requireCount(b.count, a.count, "b (L)")
        try requireCount(c.count, a.count, "c (L)")
        for (v, name) in [(a, "a"), (b, "b"), (c, "c"), ([initial], "h₀")] { try requireFinite(v, name) }
        (self.a, self.b, self.c, self.initial) = (a, b, c, initial)
    }

    /// The states h_t (L) and outputs y_t (L) for input `x` (L).
    /// - Throws: `shapeMismatch` for x not of length L; `nonFinite` for NaN/∞ in x.
    /// - Complexity: O(L).
    public func forward(_ x: [Double]) throws -> (states: [Double], y: [Double]) {
        try requireCount(x.count, length, "x (L)")
        try requireFinite(x, "x")
        var h = initial
        var states = [Double](repeating: 0, count: length), y = states  // (L), (L)
        for t in 0..<length {
            h = a[t] * h + b[t] * x[t]
            states[t] = h
            y[t] = c[t] * h
        }
        return (states, y)
    }

    /// The gradients of ℓ given g = ∂ℓ/∂y (L), from the forward's `states` and input `x`.
    /// - Throws: `shapeMismatch` for g, x or states not of length L; `nonFinite` for NaN/∞ in g.
    /// - Complexity: O(L), one reverse pass.
    public func backward(_ x: [Double], states: [Double], outputGradient g: [Double]) throws -> ScalarRecurrenceGradient {
        try requireCount(g.count, length, "∂ℓ/∂y (L)")
        try requireFinite(g, "∂ℓ/∂y")
        try requireCount(x.count, length, "x (L)")
        try requireCount(states.count, length, "states (L)")
        var grad = ScalarRecurrenceGradient(length: length)
        var lambda = 0.0                                              // λ_{t+1}·a_{t+1}, carried backwards
        for t in stride(from: length - 1, through: 0, by: -1) {
            let adjoint = lambda + c[t] * g[t]                         // λ_t
            grad.adjoint[t] = adjoint
            grad.x[t] = b[t] * adjoint
            grad.b[t] = x[t] * adjoint
            grad.a[t] = (t > 0 ? states[t - 1] : initial) * adjoint
            grad.c[t] = g[t] * states[t]
            lambda = a[t] * adjoint
        }
        grad.initial = lambda                                          // a_0·λ_0
        return grad
    }
}

/// ∂ℓ/∂ of every input of a `ScalarRecurrence`, and the adjoint λ_t = ∂ℓ/∂h_t.
public struct ScalarRecurrenceGradient: Sendable {
    public var x, a, b, c, adjoint: [Double]                          // (L) each
    public var initial = 0.0                                          // ∂ℓ/∂h₀

    init(length: Int) {
        let zeros = [Double](repeating: 0, count: length)
        (x, a, b, c, adjoint) = (zeros, zeros, zeros, zeros, zeros)
    }
}
