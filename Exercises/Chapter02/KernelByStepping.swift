import Course

extension Student {
    /// **Exercise 02.2 — the SSM convolution kernel, by stepping.**
    ///
    /// Task: the impulse response of the discrete SSM,
    ///
    ///     K_k = C Āᵏ B̄      k = 0 … L−1   (K_0 = C B̄)
    ///
    /// computed by stepping v ← Ā v from v = B̄ (O(L·N²)), not by matrix powers.
    /// - Parameters: `aBar` Ā (N·N, row-major), `bBar` B̄ (N), `c` C (N), `length` L ≥ 1.
    /// - Returns: K (L).
    /// - Graded against: `DiscreteStateSpaceModel.kernel(length:)`, relative error ≤ 1e-12.
    public static func kernel(aBar: [Double], bBar: [Double], c: [Double], length: Int) throws -> [Double] {
        throw NotImplemented("02.2")
    }
}
