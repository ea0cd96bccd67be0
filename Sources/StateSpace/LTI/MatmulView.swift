extension DiscreteStateSpaceModel {
    /// The matmul view's matrix: the L×L lower-triangular Toeplitz matrix T_ij = K_{i−j} for
    /// i ≥ j (0 above the diagonal), so that y = T u (+ D u). This is the SSM written as a
    /// (causal, translation-invariant) "attention" matrix.
    /// - Returns: T, (L, L).
    /// - Throws: `invalidParameter` for L ≤ 0.
    /// - Complexity: O(L·N² + L²) time, O(L²) memory.
    public func toeplitz(length: Int) throws -> Matrix {
        toeplitzMatrix(kernel: try kernel(length: length))
    }

    /// The matmul view: y = T u + D u with T from `toeplitz(length:)`, multiplied by BLAS dgemv.
    /// - Parameter u: (L).
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (L = 0), `nonFinite`.
    /// - Complexity: O(L²).
    public func matmul(_ u: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        let y = try toeplitz(length: u.count) * u              // (L)
        return zip(y, u).map { $0 + d * $1 }
    }
}

/// The lower-triangular Toeplitz matrix of a causal kernel: T_ij = K_{i−j} for i ≥ j, else 0.
/// - Parameter kernel: (L).
/// - Returns: (L, L).
/// - Complexity: O(L²).
public func toeplitzMatrix(kernel: [Double]) -> Matrix {
    let l = kernel.count
    var t = Matrix(zeros: l, l)                                // (L, L)
    t.elements.withUnsafeMutableBufferPointer { p in
        for i in 0..<l {
            for j in 0...i { p[i * l + j] = kernel[i - j] }
        }
    }
    return t
}

extension DiscreteStateSpaceModel {
    /// Every state by one matrix product: X = T(u)·𝒦, where T(u) (L, L) is the lower-triangular
    /// Toeplitz matrix of the *input* (T_kj = u_{k−j}) and 𝒦 (L, N) the state kernel (row j =
    /// Āʲ B̄). Convolution commutes, so this is the matmul form of all N state convolutions at
    /// once — a single GEMM (cblas_dgemm).
    /// - Parameter u: (L).
    /// - Returns: (L, N).
    /// - Throws: `invalidParameter` (L = 0), `nonFinite`.
    /// - Complexity: O(L²·N) flops, O(L²) memory.
    public func statesByMatmul(_ u: [Double]) throws -> Matrix {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        return toeplitzMatrix(kernel: u) * (try stateKernel(length: u.count))  // (L, L)·(L, N)
    }
}
