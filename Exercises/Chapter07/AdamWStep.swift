import Course

extension Student {
    /// **Exercise 07.3 — one AdamW update.**
    ///
    /// Task: update parameters θ from their gradient g with AdamW — Adam with *decoupled* weight
    /// decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, Algorithm 2;
    /// Kingma & Ba, "Adam", ICLR 2015, Algorithm 1 for the moments and their bias correction), in
    /// the form of PyTorch's `torch.optim.AdamW`, which the library follows (the decay is scaled
    /// by the learning rate η). At step t = 1, 2, … (m = v = 0 before step 1), entry by entry, in
    /// this order:
    ///
    ///     θ ← θ·(1 − η·λ)                           decay the weights, not the gradient
    ///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
    ///     m̂ = m / (1 − β₁ᵗ),       v̂ = v / (1 − β₂ᵗ)    bias correction (m and v start at 0)
    ///     θ ← θ − η · m̂ / (√v̂ + ε)
    ///
    /// λ does *not* enter m or v: adding λθ to g (L2 regularisation) is plain Adam, whose decay
    /// is then divided by √v̂ and so differs per entry.
    /// - Parameters: `theta` θ, `g`, `m`, `v` (n each); `t` the step (≥ 1, this update's);
    ///   η `learningRate`, β₁, β₂ in [0, 1), ε > 0, λ `weightDecay` ≥ 0.
    /// - Returns: the new θ, m and v (n each).
    /// - Graded against: `AdamW.step` over several steps from m = v = 0 (every θ_t compared),
    ///   relative error ≤ 1e-12 (of the largest entry).
    public static func adamWStep(parameter theta: [Double], gradient g: [Double], firstMoment m: [Double], secondMoment v: [Double],
                                 step t: Int, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double,
                                 weightDecay: Double) throws -> (parameter: [Double], firstMoment: [Double], secondMoment: [Double])
    {
        throw NotImplemented("07.3")
    }
}
