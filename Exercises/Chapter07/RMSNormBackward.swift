import Course

extension Student {
    /// **Exercise 07.2 — RMSNorm's backward pass.**
    ///
    /// Task: RMSNorm (Zhang & Sennrich 2019; the norm of Mamba's residual blocks) scales every
    /// row of x (rows·d) by one number and a learned gain g (d):
    ///
    ///     r   = 1 / √(mean_j x_j² + ε)          one scalar per row
    ///     y_j = g_j · x_j · r
    ///
    /// Given ∂ℓ/∂y, return ∂ℓ/∂x and ∂ℓ/∂g. r depends on *every* x_k of its row
    /// (∂r/∂x_k = −r³·x_k/d), so with u_j = g_j·∂ℓ/∂y_j,
    ///
    ///     ∂ℓ/∂x_k = u_k·r + Σ_j u_j·x_j·∂r/∂x_k  =  r·(u_k − x_k·r²·mean_j(u_j·x_j))
    ///     ∂ℓ/∂g_j = Σ_rows ∂ℓ/∂y_j · x_j · r      (summed over the rows: g is shared)
    ///
    /// — derive the first line yourself before you code it.
    /// - Parameters: `x` (rows·d, row-major), `gain` g (d), `dy` ∂ℓ/∂y (rows·d), `epsilon` ε > 0.
    /// - Returns: ∂ℓ/∂x (rows·d) and ∂ℓ/∂g (d).
    /// - Graded against: `RMSNorm.backward`, relative error ≤ 1e-12 (of the largest entry).
    public static func rmsNormBackward(x: [Double], gain: [Double], outputGradient dy: [Double], epsilon: Double) throws
        -> (x: [Double], gain: [Double])
    {
        throw NotImplemented("07.2")
    }
}
