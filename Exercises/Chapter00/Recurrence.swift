import Course

extension Student {
    /// **Exercise 00.2 — the recurrent view.**
    ///
    /// Task: run the discrete SSM over an input sequence, starting from x_{−1} = 0:
    ///
    ///     x_k = Ā x_{k−1} + B̄ u_k,   y_k = C x_k      k = 0 … L−1
    ///
    /// (so y_0 = C B̄ u_0: the input at step k already reaches the output at step k).
    /// - Parameters: `aBar` Ā (N·N, row-major), `bBar` B̄ (N), `c` C (N), `u` (L). N ≥ 1, L ≥ 1.
    /// - Returns: y (L).
    /// - Graded against: `DiscreteStateSpaceModel.scan`, relative error ≤ 1e-12.
    public static func recurrence(aBar: [Double], bBar: [Double], c: [Double], input u: [Double]) throws -> [Double] {
        throw NotImplemented("00.2")
    }
}
