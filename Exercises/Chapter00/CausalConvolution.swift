import Course

extension Student {
    /// **Exercise 00.3 — the convolutional view, directly.**
    ///
    /// Task: the causal convolution of an input with a kernel of the same length L:
    ///
    ///     y_k = Σ_{j=0}^{k} K_j u_{k−j}      k = 0 … L−1
    ///
    /// Only the past and present of u reach y_k (causal), nothing wraps around from the end.
    /// O(L²) is fine here; the library does the same with FFTs (pad to ≥ 2L − 1 first).
    /// - Parameters: `kernel` K (L), `u` (L), L ≥ 1.
    /// - Returns: y (L).
    /// - Graded against: `causalConvolution(_:_:)` (FFTW), relative error ≤ 1e-10.
    public static func causalConvolution(kernel: [Double], input u: [Double]) throws -> [Double] {
        throw NotImplemented("00.3")
    }
}
