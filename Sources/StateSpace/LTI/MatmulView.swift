extension DiscreteStateSpaceModel {
    /// The matmul view's matrix: the L×L lower-triangular Toeplitz matrix T_ij = K_{i−j} for
    /// i ≥ j (0 above the diagonal), so that y = T u (+ D u). This is the SSM written as a
    /// (causal, translation-invariant) "attention" matrix.
    /// - Parameter length: L, 1 ≤ L ≤ 2¹⁵ (T holds L² ≤ 2³⁰ numbers, 8 GiB).
    /// - Returns: T, (L, L).
    /// - Throws: `invalidParameter` for L ≤ 0 or L > 2¹⁵; as `kernel(length:)`.
    /// - Complexity: O(L·N² + L²) time, O(L²) memory.
    public func toeplitz(length: Int) throws -> Matrix {
        try requirePositive(length, "length L")
        _ = try requireResultSize(rows: length, cols: length, "length L", value: length)
        return try toeplitzMatrix(kernel: try kernel(length: length))
    }

    /// The matmul view: y = T u + D u with T from `toeplitz(length:)`, multiplied by BLAS dgemv.
    /// - Parameter u: (L), 1 ≤ L ≤ 2¹⁵.
    /// - Returns: y, (L).
    /// - Throws: `invalidParameter` (L = 0, L > 2¹⁵, or u so large that y overflows),
    ///   `nonFinite`, `unstable` (as `scan`).
    /// - Complexity: O(L·N² + L²).
    public func matmul(_ u: [Double]) throws -> [Double] {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        _ = try requireResultSize(rows: u.count, cols: u.count, "sequence length L", value: u.count)
        let y = try toeplitz(length: u.count) * u              // (L)
        let output = zip(y, u).map { $0 + d * $1 }             // (L)
        try requireFiniteResult(output, length: u.count, input: u)
        return output
    }
}

/// The lower-triangular Toeplitz matrix of a causal kernel: T_ij = K_{i−j} for i ≥ j, else 0.
/// - Parameter kernel: K (L), finite, 1 ≤ L ≤ 2¹⁵ (T holds L² ≤ 2³⁰ numbers, 8 GiB).
/// - Returns: (L, L).
/// - Throws: `invalidParameter` (L = 0 or L > 2¹⁵), `nonFinite`.
/// - Complexity: O(L²).
public func toeplitzMatrix(kernel: [Double]) throws -> Matrix {
    let l = kernel.count
    try requirePositive(l, "kernel length L")
    _ = try requireResultSize(rows: l, cols: l, "kernel length L", value: l)
    try requireFinite(kernel, "kernel K")
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
    /// - Parameter u: (L), 1 ≤ L ≤ 2¹⁵.
    /// - Returns: (L, N).
    /// - Throws: as `matmul(_:)`.
    /// - Complexity: O(L²·N) flops, O(L²) memory.
    public func statesByMatmul(_ u: [Double]) throws -> Matrix {
        try requirePositive(u.count, "sequence length L")
        try requireFinite(u, "input u")
        _ = try requireResultSize(rows: u.count, cols: u.count, "sequence length L", value: u.count)
        let xs = try toeplitzMatrix(kernel: u) * (try stateKernel(length: u.count))  // (L, L)·(L, N)
        try requireFiniteResult(xs.elements, length: u.count, input: u)
        return xs
    }
}
