import Course

extension Student {
    /// **Exercise 06.2 — SSD's quadratic (attention) form, one head.**
    ///
    /// Task: the state space dual of h_t = a_t h_{t−1} + x_t B_tᵀ, y_t = h_t C_t (Mamba-2, Dao &
    /// Gu 2024, Section 3, "SSMs are semiseparable matrices", and the masked-attention form) is
    ///
    ///     Y = (L ∘ C Bᵀ) X,    L_ts = a_t a_{t−1} ⋯ a_{s+1}  (t ≥ s, 1 on the diagonal),  0  (t < s)
    ///
    /// i.e. y_t = Σ_{s≤t} L_ts (C_t·B_s) x_s: causal linear attention (queries C, keys B, values
    /// X) with a decay mask.
    /// - Parameters: `a` (T, each in (0, 1]), `b` B (T·N), `c` C (T·N), `x` X (T·P), `n` N, `p` P.
    /// - Returns: Y (T·P, row-major).
    /// - Graded against: `ssdQuadratic(_:)` with one head, relative error ≤ 1e-12.
    public static func quadratic(a: [Double], b: [Double], c: [Double], x: [Double], stateSize n: Int, headDim p: Int) throws
        -> [Double]
    {
        throw NotImplemented("06.2")
    }
}
