import Course

extension Student {
    /// **Exercise 02.3 — the matmul view: the Toeplitz matrix of a kernel.**
    ///
    /// Task: the L×L matrix T with y = T u equal to the causal convolution y = K ∗ u:
    ///
    ///     T_ij = K_{i−j}  for i ≥ j,    T_ij = 0  for i < j
    ///
    /// (lower triangular, constant along each diagonal).
    /// - Parameters: `kernel` K (L), L ≥ 1.
    /// - Returns: T (L·L, row-major: entry (i, j) at i·L + j).
    /// - Graded against: `toeplitzMatrix(kernel:)`, exactly (relative error ≤ 1e-15).
    public static func toeplitz(kernel: [Double]) throws -> [Double] {
        throw NotImplemented("02.3")
    }
}
